import { MAX_EMAIL_LENGTH } from "./limits.ts";

// A practical subset of RFC 5322 addr-spec: what a customer can receive mail at.
const EMAIL_PATTERN = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;

export function isValidEmail(address: string): boolean {
  return address.length <= MAX_EMAIL_LENGTH && EMAIL_PATTERN.test(address);
}

/**
 * `taro@example.co.jp` → `t***@example.co.jp`: enough for the customer to
 * recognise which mailbox to look in (seed Q3-①), not enough to harvest it.
 */
export function maskEmail(address: string): string {
  const at = address.lastIndexOf("@");
  if (at < 1) {
    return "***";
  }
  return `${address.slice(0, 1)}***${address.slice(at)}`;
}
