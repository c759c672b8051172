// Japan has kept UTC+9 without summer time since 1951: the clock fields are those of the instant
// nine hours later in UTC. Written out by hand because Intl.DateTimeFormat's format() cost more
// than the rest of a login notice's text (issue 23); the unit test compares both over many instants.
const JAPAN_OFFSET_MS = 9 * 3600 * 1000;

const twoDigits = (value: number): string => (value < 10 ? `0${value}` : `${value}`);

/** `2026/11/25 11:21:05` in Japan time (as Intl's ja-JP, Asia/Tokyo, 2-digit fields, 24-hour clock writes it). */
export function formatJapanTime(epochMs: number): string {
  const t = new Date(epochMs + JAPAN_OFFSET_MS);
  return `${t.getUTCFullYear()}/${twoDigits(t.getUTCMonth() + 1)}/${twoDigits(t.getUTCDate())} ${twoDigits(t.getUTCHours())}:${twoDigits(t.getUTCMinutes())}:${twoDigits(t.getUTCSeconds())}`;
}

/** `2026/11/25 11:21:05 JST`, for English text. */
export function formatJapanTimeWithZone(epochMs: number): string {
  return `${formatJapanTime(epochMs)} JST`;
}

/** ISO 8601 with the Japan offset, e.g. `2026-11-25T11:21:05+09:00`, for the JSON API. */
export function isoJapanTime(epochMs: number): string {
  const shifted = new Date(epochMs + JAPAN_OFFSET_MS).toISOString();
  return `${shifted.slice(0, 19)}+09:00`;
}
