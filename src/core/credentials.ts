/**
 * Login IDs and passwords are NFKC-normalised before use, so a full-width
 * ＡＢＣ１２３ typed with a Japanese IME matches ABC123 (NIST SP 800-63B-4
 * §3.1.1.2 asks for normalisation of Unicode passwords). Never truncated.
 */
export function normalizeLoginId(raw: string): string {
  return raw.normalize("NFKC").trim();
}

export function normalizePassword(raw: string): string {
  return raw.normalize("NFKC");
}
