/** Any 6-digit code that is not `code`. */
export function wrongCodeFor(code: string): string {
  return ((Number(code) + 1) % 1_000_000).toString().padStart(6, "0");
}

/** Full-width digits, the way a Japanese IME types them. */
export function fullWidth(code: string): string {
  return code.replace(/[0-9]/g, (digit) => String.fromCharCode(digit.charCodeAt(0) + 0xfee0));
}
