/**
 * The value of one sample in Prometheus text format, e.g.
 * `sample(text, 'okb_logins_total{outcome="success"}')`; null when absent.
 */
export function sample(text: string, series: string): number | null {
  for (const line of text.split("\n")) {
    if (line.startsWith(`${series} `)) {
      return Number(line.slice(series.length + 1));
    }
  }
  return null;
}
