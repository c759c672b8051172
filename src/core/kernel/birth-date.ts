/**
 * A customer's date of birth (issue 11), kept for the forgotten-password and
 * forgotten-ID flows: text `YYYY-MM-DD`, a real calendar date, from
 * EARLIEST_BIRTH_DATE to today in Japan. Customers from before issue 11 have
 * none (null) and are sent to the call center by those flows.
 */

/** No customer alive was born earlier; an earlier year is a typing mistake (1890 for 1980). */
export const EARLIEST_BIRTH_DATE = "1900-01-01";

const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

// Japan keeps no daylight saving time, so Japan's date is UTC's date nine hours on.
const JAPAN_OFFSET_MS = 9 * 3600 * 1000;

/** As login IDs are: NFKC and trimmed, so `１９８０－０１－３１` typed with the IME on is 1980-01-31. */
export function normalizeBirthDate(raw: string): string {
  return raw.normalize("NFKC").trim();
}

/**
 * What is wrong with `raw` as a birth date, or null when it is fine. `now`
 * (epoch ms) decides "today" in Japan: a customer born today in Tokyo is
 * accepted even while it is still yesterday in UTC.
 */
export function birthDateProblem(raw: string, now: number): string | null {
  const value = normalizeBirthDate(raw);
  const today = new Date(now + JAPAN_OFFSET_MS).toISOString().slice(0, 10);
  const rule = `birth date must be a real date written YYYY-MM-DD, from ${EARLIEST_BIRTH_DATE} to today (${today})`;
  const match = DATE_PATTERN.exec(value);
  if (match === null) {
    return rule;
  }
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  // Date.UTC rolls 1980-02-30 over to 1980-03-01: a date that does not exist comes back different.
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) {
    return `${rule}: ${value} does not exist`;
  }
  // Same fixed-width format, so comparing the text compares the dates.
  if (value < EARLIEST_BIRTH_DATE || value > today) {
    return `${rule}: ${value} is out of range`;
  }
  return null;
}
