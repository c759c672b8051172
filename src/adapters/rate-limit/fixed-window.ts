/** The fixed window of `windowSeconds` that holds `now` (epoch ms). */
export function fixedWindow(now: number, windowSeconds: number): { start: number; end: number; secondsLeft: number } {
  const length = windowSeconds * 1000;
  const start = Math.floor(now / length) * length;
  const end = start + length;
  return { start, end, secondsLeft: Math.max(1, Math.ceil((end - now) / 1000)) };
}
