/** Latency samples in milliseconds, summarised as percentiles. */
export class Samples {
  private readonly values: number[] = [];

  add(ms: number): void {
    this.values.push(ms);
  }

  get count(): number {
    return this.values.length;
  }

  percentile(p: number): number {
    if (this.values.length === 0) {
      return Number.NaN;
    }
    const sorted = [...this.values].sort((a, b) => a - b);
    const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
    return sorted[index] ?? Number.NaN;
  }

  summary(): string {
    return `p50 ${fmt(this.percentile(50))} ms, p95 ${fmt(this.percentile(95))} ms, p99 ${fmt(this.percentile(99))} ms (n=${this.count})`;
  }
}

export function fmt(value: number, digits = 1): string {
  return Number.isFinite(value) ? value.toFixed(digits) : "-";
}
