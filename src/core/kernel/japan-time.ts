/** Customers and operators read times in Japan time (Asia/Tokyo), whatever the server's zone. */
const JA_FORMAT = new Intl.DateTimeFormat("ja-JP", {
  timeZone: "Asia/Tokyo",
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
  hour12: false,
});

/** `2026/11/25 11:21:05` in Japan time. */
export function formatJapanTime(epochMs: number): string {
  return JA_FORMAT.format(new Date(epochMs));
}

/** `2026/11/25 11:21:05 JST`, for English text. */
export function formatJapanTimeWithZone(epochMs: number): string {
  return `${formatJapanTime(epochMs)} JST`;
}

/** ISO 8601 with the Japan offset, e.g. `2026-11-25T11:21:05+09:00`, for the JSON API. */
export function isoJapanTime(epochMs: number): string {
  const shifted = new Date(epochMs + 9 * 3600 * 1000).toISOString();
  return `${shifted.slice(0, 19)}+09:00`;
}
