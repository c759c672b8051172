/**
 * Login IDs and passwords are NFKC-normalised before use, so a full-width
 * ＡＢＣ１２３ typed with a Japanese IME matches ABC123 (NIST SP 800-63B-4
 * §3.1.1.2 asks for normalisation of Unicode passwords). Never truncated.
 * Login IDs are also case-insensitive (stored and compared in lower case):
 * a phone keyboard capitalises the first letter, and "Taro01" and "taro01"
 * must never be two customers the call center could confuse (docs/decisions.md).
 */
export function normalizeLoginId(raw: string): string {
  return raw.normalize("NFKC").trim().toLowerCase();
}

export function normalizePassword(raw: string): string {
  return raw.normalize("NFKC");
}

// U+FFFD is what invalid UTF-8 decodes to, and a lone surrogate comes only from
// hand-made JSON ("\uD800"); neither is text a person typed.
export const BROKEN_ENCODING = /[\uFFFD\p{Cs}]/u;
export const ANY_CONTROL = /[\u0000-\u001F\u007F]/u;
// A tab may be pasted into a password field; no keyboard types NUL or a line break there.
export const CONTROL_BUT_TAB = /[\u0000-\u0008\u000A-\u001F\u007F]/u;

/** True when a password holds only characters a person can type into a password field. */
export function isTypablePassword(password: string): boolean {
  return !BROKEN_ENCODING.test(password) && !CONTROL_BUT_TAB.test(password);
}
