import { loadConfig } from "../../src/config.ts";
import { describeRequestOrigin } from "../../src/core/kernel/request-origin.ts";
import type { Notice } from "../../src/core/mail/notice.ts";
import type { NoticeFacts, NoticeKind } from "../../src/core/mail/notice-kinds.ts";
import type { SecurityRequestKind } from "../../src/core/mail/call-center-notices.ts";
import { NOTICE_KINDS, buildNotice } from "../../src/core/mail/notice-kinds.ts";

/**
 * Every mail the product sends, in every variant, built from fixed facts: the default brand, a
 * fixed time, and an attacker's User-Agent and forwarded address through the product's own
 * sanitising (describeRequestOrigin). The golden files and the attacker-text checks go over these;
 * the compiler holds the table complete: a new NoticeKind does not compile without its variants.
 */
export const brand = loadConfig({}).config.brand;
export const CUSTOMER_NAME = "山田 太郎";

// 2025/03/14 10:30:00 JST; the other times differ, so a mail that shows the wrong one fails.
const AT = Date.UTC(2025, 2, 14, 1, 30, 0);
const EARLIER = Date.UTC(2024, 10, 2, 23, 5, 9);
const LATER = AT + 24 * 3600 * 1000;

/** Words of the attacker's request below that must never reach a mail. */
export const HOSTILE_WORDS = ["Unlock", "okb-unlock", "0120-999", "<a", "\r", "\u202E"];

// A link, HTML, a line break and a right-to-left override after a real browser's User-Agent:
// only the known browser and system names remain; the forwarded address is no IP: 「不明」.
const origin = describeRequestOrigin({
  ip: "www.okb-unlock.example",
  userAgent:
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 <a href="https://okb-unlock.example/">Unlock now</a>\r\n\u202Ecall 0120-999-999',
  requestId: "golden",
});
const code = { code: "482913", sentAt: AT, expiresAt: AT + 600_000, ttlMinutes: 10, ...origin };
const withdrawal = (omitted: number) => ({ ...code, summary: { ja: "出金 30,000円", en: "Withdrawal JPY 30,000", omitted } });
const REQUESTS: SecurityRequestKind[] = ["mfa_off", "email_change", "passkey_required_off"];

interface Variant<K extends NoticeKind> {
  facts: NoticeFacts[K];
  /** After the kind in the golden file's name. */
  variant?: string;
  /** Greeted 「お客さま」 (an address not yet verified) rather than by name. */
  unnamed?: true;
}

const VARIANTS: { [K in NoticeKind]: Variant<K>[] } = {
  "login-code": [{ facts: code }, { facts: code, variant: "no-name", unnamed: true }],
  "password-change-code": [{ facts: code }],
  "passkey-registration-code": [{ facts: code }],
  "trading-pin-change-code": [{ facts: code }],
  "password-reset-code": [{ facts: code }],
  "confirmation-code": [{ facts: withdrawal(0) }, { facts: withdrawal(1), variant: "one-omitted" }, { facts: withdrawal(3), variant: "three-omitted" }],
  "email-verification-code": [{ facts: { code: "482913", sentAt: AT, expiresAt: AT + 600_000 }, unnamed: true }],

  login: [
    { facts: { at: AT, newDevice: false, ...origin }, variant: "known-device" },
    { facts: { at: AT, newDevice: true, ...origin }, variant: "new-device" },
  ],
  "account-locked": [{ facts: { at: AT, ...origin } }],
  "account-frozen": [{ facts: { at: AT, ...origin } }],
  "password-changed": [{ facts: { at: AT, ...origin } }],
  "password-reset-done": [{ facts: { at: AT, unlocked: false, ...origin } }, { facts: { at: AT, unlocked: true, ...origin }, variant: "unlocked" }],
  "login-id-reminder": [{ facts: { at: AT, loginId: "K1234567", ...origin } }],
  "passkey-registered": [{ facts: { at: AT, passkeyCreatedAt: AT, ...origin } }],
  "passkey-renamed": [{ facts: { at: AT, passkeyCreatedAt: EARLIER, ...origin } }],
  "passkey-removed": [{ facts: { at: AT, passkeyCreatedAt: EARLIER, ...origin } }],
  "passkey-counter-warning": [{ facts: { at: AT, passkeyCreatedAt: EARLIER, ...origin } }],
  "passkey-required-on": [{ facts: { at: AT, ...origin } }],
  "passkey-required-off": [{ facts: { at: AT, ...origin } }],
  "trading-pin-changed": [{ facts: { at: AT, ...origin } }],
  "trading-pin-locked": [{ facts: { at: AT, ...origin } }],

  "account-unlocked": [{ facts: { at: AT } }],
  "account-unfrozen": [{ facts: { at: AT } }],
  "sessions-ended": [{ facts: { at: AT } }],
  "mfa-on": [{ facts: { at: AT } }],
  "mfa-off": [{ facts: { at: AT } }],
  "email-changed-old-address": [{ facts: { at: AT } }],
  "email-changed-new-address": [{ facts: { at: AT } }],
  "passkey-required-off-by-call-center": [{ facts: { at: AT } }],
  "trading-pin-unlocked": [{ facts: { at: AT } }],
  "connection-revoked": [{ facts: { at: AT, clientName: "OKB取引サイト" } }],
  "security-request-received": [
    ...REQUESTS.map((request) => ({ facts: { request, at: AT, delayHours: 24 }, variant: request })),
    { facts: { request: "mfa_off", at: AT, delayHours: 0 }, variant: "mfa_off.no-wait" },
    { facts: { request: "mfa_off", at: AT, delayHours: 1 }, variant: "mfa_off.1-hour" },
  ],
  "security-request-approved": REQUESTS.map((request) => ({ facts: { request, at: AT, effectiveAt: LATER }, variant: request })),
  "security-request-closed": REQUESTS.map((request) => ({ facts: { request, at: AT }, variant: request })),
};

export interface FixtureMail {
  kind: NoticeKind;
  /** Whether the facts name the request it answers (IP and device); only then may the mail show them. */
  hasOrigin: boolean;
  /** The golden file's name: the kind, then the variant. */
  name: string;
  notice: Notice;
  /** The greeting's name; undefined for 「お客さま」. */
  customerName: string | undefined;
}

function mailsOf<K extends NoticeKind>(kind: K): FixtureMail[] {
  const variants: Variant<K>[] = VARIANTS[kind];
  return variants.map((one) => ({
    kind,
    hasOrigin: typeof one.facts === "object" && "ip" in one.facts,
    name: one.variant === undefined ? kind : `${kind}.${one.variant}`,
    notice: buildNotice(kind, brand, one.facts),
    customerName: one.unnamed ? undefined : CUSTOMER_NAME,
  }));
}

/** Every variant of every NoticeKind, built. */
export function everyMail(): FixtureMail[] {
  return NOTICE_KINDS.flatMap((kind) => mailsOf(kind));
}
