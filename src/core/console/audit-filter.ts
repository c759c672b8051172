import type { AuditFilter } from "./ports-console-read.ts";
import { InvalidInputError } from "../kernel/errors.ts";

// Event names are lower-case words with dots ("operator.login", "rate_limited"); a prefix ends in a dot.
const EVENT_NAME = /^[a-z][a-z_]{0,40}(?:\.[a-z_]{1,40})?$/;
const EVENT_PREFIX = /^[a-z][a-z_]{0,40}\.$/;
// A date, or a date and time, optionally with a zone; without one it is read as Japan time. A "+"
// left unencoded in a query string arrives as a space, so a space before the offset means "+".
const TIME = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2}))?(Z|[+ -]\d{2}:\d{2})?)?$/;
const JST_OFFSET_MINUTES = 9 * 60;

/** The `type` filter: an audit event name exactly, or a prefix such as `operator.`; [4000] for anything else. */
export function eventFilter(type: string): Pick<AuditFilter, "event" | "eventPrefix"> {
  if (EVENT_PREFIX.test(type)) {
    return { eventPrefix: type };
  }
  if (EVENT_NAME.test(type)) {
    return { event: type };
  }
  throw new InvalidInputError(`audit event type ${JSON.stringify(type.slice(0, 80))}`);
}

/**
 * The time range: `from` inclusive, `to` inclusive at the precision given (a date means the
 * whole day, `12:00` the whole minute), both read as Japan time when no zone is given;
 * [4000] for a malformed date or a `from` after `to`.
 */
export function timeFilter(from: string | undefined, to: string | undefined): Pick<AuditFilter, "from" | "to"> {
  const range: Pick<AuditFilter, "from" | "to"> = {};
  if (from !== undefined) {
    range.from = parseTime(from).start;
  }
  if (to !== undefined) {
    range.to = parseTime(to).end;
  }
  if (range.from !== undefined && range.to !== undefined && range.from >= range.to) {
    throw new InvalidInputError("audit time range: from is after to");
  }
  return range;
}

/** The instant `raw` names and the end (exclusive) of the day, minute or second it spans. */
function parseTime(raw: string): { start: number; end: number } {
  const match = TIME.exec(raw);
  if (match === null) {
    throw new InvalidInputError(`audit time ${JSON.stringify(raw.slice(0, 40))}`);
  }
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map((part) => (part === undefined ? 0 : Number(part))) as [number, number, number, number, number, number];
  const zone = match[7];
  const local = Date.UTC(year, month - 1, day, hour, minute, second);
  const check = new Date(local);
  // Date.UTC rolls 2026-02-30 over to March: a date that does not exist is refused instead.
  if (check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59) {
    throw new InvalidInputError(`audit time ${JSON.stringify(raw)}`);
  }
  const start = local - zoneOffsetMinutes(zone) * 60_000;
  const span = match[4] === undefined ? 86_400_000 : match[6] === undefined ? 60_000 : 1000;
  return { start, end: start + span };
}

function zoneOffsetMinutes(zone: string | undefined): number {
  if (zone === undefined) {
    return JST_OFFSET_MINUTES;
  }
  if (zone === "Z") {
    return 0;
  }
  const sign = zone.startsWith("-") ? -1 : 1;
  const minutes = Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6));
  if (minutes > 14 * 60 || Number(zone.slice(4, 6)) > 59) {
    throw new InvalidInputError(`audit time zone ${zone}`);
  }
  return sign * minutes;
}
