import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { loadConfig } from "../../src/config.ts";
import { describeRequestOrigin } from "../../src/core/kernel/request-origin.ts";
import type { Notice } from "../../src/core/mail/notice.ts";
import { noticeBody } from "../../src/core/mail/notice.ts";
import type { SecurityRequestKind } from "../../src/core/mail/security-request-notices.ts";
import { accountFrozenNotice } from "../../src/core/mail/account-frozen-notice.ts";
import { accountUnfrozenNotice } from "../../src/core/mail/account-unfrozen-notice.ts";
import { accountUnlockedNotice } from "../../src/core/mail/account-unlocked-notice.ts";
import { codeMailNotice } from "../../src/core/mail/code-mail.ts";
import { confirmationCodeNotice } from "../../src/core/mail/confirmation-code-mail.ts";
import { emailChangeNewAddressNotice } from "../../src/core/mail/email-change-new-address-notice.ts";
import { emailChangeOldAddressNotice } from "../../src/core/mail/email-change-old-address-notice.ts";
import { lockNotice } from "../../src/core/mail/lock-notice-mail.ts";
import { loginNotice } from "../../src/core/mail/login-notice.ts";
import { mfaOffNotice } from "../../src/core/mail/mfa-off-notice.ts";
import { mfaOnNotice } from "../../src/core/mail/mfa-on-notice.ts";
import { passkeyCounterNotice } from "../../src/core/mail/passkey-counter-notice.ts";
import { passkeyChangeNotice } from "../../src/core/mail/passkey-notices.ts";
import { passkeyRegistrationCodeNotice } from "../../src/core/mail/passkey-registration-code-mail.ts";
import { passkeyRequiredNotice, passkeyRequiredOffByOperatorNotice } from "../../src/core/mail/passkey-required-notices.ts";
import { passwordChangeCodeNotice } from "../../src/core/mail/password-change-code-mail.ts";
import { passwordChangedNotice } from "../../src/core/mail/password-changed-notice.ts";
import { loginIdReminderNotice, passwordResetCodeNotice, passwordResetDoneNotice } from "../../src/core/mail/password-reset-mails.ts";
import {
  emailVerificationNotice,
  securityRequestApprovedNotice,
  securityRequestClosedNotice,
  securityRequestReceivedNotice,
} from "../../src/core/mail/security-request-notices.ts";
import { sessionsEndedNotice } from "../../src/core/mail/sessions-ended-notice.ts";
import { tradingPinChangedNotice, tradingPinCodeNotice, tradingPinLockedNotice } from "../../src/core/mail/trading-pin-notices.ts";
import { tradingPinUnlockedNotice } from "../../src/core/mail/trading-pin-unlocked-notice.ts";

// Every mail the product sends, subject and body (Japanese, then English), as golden files: a
// change to a mail's text shows here as a diff, and a refactoring of the mail code must leave
// every file byte for byte. UPDATE_GOLDEN=1 writes the files that are missing (never overwrites).
const GOLDEN_DIR = fileURLToPath(new URL("../golden/mails/", import.meta.url));
const UPDATE = process.env["UPDATE_GOLDEN"] === "1";

const brand = loadConfig({}).config.brand;
const CUSTOMER_NAME = "山田 太郎";
// 2025/03/14 10:30:00 JST; the other times differ, so a mail that shows the wrong one fails.
const AT = Date.UTC(2025, 2, 14, 1, 30, 0);
const EARLIER = Date.UTC(2024, 10, 2, 23, 5, 9);
const LATER = AT + 24 * 3600 * 1000;
// An attacker's User-Agent (a link, HTML, a line break, a right-to-left override) and forwarded
// address, through the product's own sanitising: only the known browser and system names remain.
const HOSTILE_CONTEXT = {
  ip: "www.okb-unlock.example",
  userAgent:
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 <a href="https://okb-unlock.example/">Unlock now</a>\r\n\u202Ecall 0120-999-999',
  requestId: "golden",
};
const origin = describeRequestOrigin(HOSTILE_CONTEXT);
const codeFacts = { code: "482913", sentAt: AT, expiresAt: AT + 600_000, ttlMinutes: 10, ...origin };

interface Golden {
  notice: Notice;
  /** The greeting's name; an address not yet verified is greeted 「お客さま」. */
  name?: string;
}

const REQUEST_KINDS: SecurityRequestKind[] = ["mfa_off", "email_change", "passkey_required_off"];

const MAILS: Record<string, () => Golden> = {
  "login-code": () => ({ notice: codeMailNotice(brand, codeFacts), name: CUSTOMER_NAME }),
  "login-code.no-name": () => ({ notice: codeMailNotice(brand, codeFacts) }),
  "password-change-code": () => ({ notice: passwordChangeCodeNotice(brand, codeFacts), name: CUSTOMER_NAME }),
  "password-reset-code": () => ({ notice: passwordResetCodeNotice(brand, codeFacts), name: CUSTOMER_NAME }),
  "passkey-registration-code": () => ({ notice: passkeyRegistrationCodeNotice(brand, codeFacts), name: CUSTOMER_NAME }),
  "trading-pin-change-code": () => ({ notice: tradingPinCodeNotice(brand, codeFacts), name: CUSTOMER_NAME }),
  "confirmation-code": () => ({ notice: confirmationCodeNotice(brand, { ...codeFacts, summary: { ja: "出金 30,000円", en: "Withdrawal JPY 30,000", omitted: 0 } }), name: CUSTOMER_NAME }),
  "confirmation-code.one-omitted": () => ({ notice: confirmationCodeNotice(brand, { ...codeFacts, summary: { ja: "出金 30,000円", en: "Withdrawal JPY 30,000", omitted: 1 } }), name: CUSTOMER_NAME }),
  "confirmation-code.three-omitted": () => ({ notice: confirmationCodeNotice(brand, { ...codeFacts, summary: { ja: "出金 30,000円", en: "Withdrawal JPY 30,000", omitted: 3 } }), name: CUSTOMER_NAME }),
  "email-verification-code": () => ({ notice: emailVerificationNotice(brand, { code: "482913", sentAt: AT, expiresAt: AT + 600_000 }) }),

  "login.known-device": () => ({ notice: loginNotice(brand, { at: AT, newDevice: false, ...origin }), name: CUSTOMER_NAME }),
  "login.new-device": () => ({ notice: loginNotice(brand, { at: AT, newDevice: true, ...origin }), name: CUSTOMER_NAME }),
  "account-locked": () => ({ notice: lockNotice(brand, { lockedAt: AT, ...origin }), name: CUSTOMER_NAME }),
  "account-frozen": () => ({ notice: accountFrozenNotice(brand, { frozenAt: AT, ...origin }), name: CUSTOMER_NAME }),
  "password-changed": () => ({ notice: passwordChangedNotice(brand, { changedAt: AT, ...origin }), name: CUSTOMER_NAME }),
  "password-reset-done": () => ({ notice: passwordResetDoneNotice(brand, { resetAt: AT, unlocked: false, ...origin }), name: CUSTOMER_NAME }),
  "password-reset-done.unlocked": () => ({ notice: passwordResetDoneNotice(brand, { resetAt: AT, unlocked: true, ...origin }), name: CUSTOMER_NAME }),
  "login-id-reminder": () => ({ notice: loginIdReminderNotice(brand, { loginId: "K1234567", requestedAt: AT, ...origin }), name: CUSTOMER_NAME }),
  "passkey-registered": () => ({ notice: passkeyChangeNotice(brand, "registered", { at: AT, passkeyCreatedAt: AT, ...origin }), name: CUSTOMER_NAME }),
  "passkey-renamed": () => ({ notice: passkeyChangeNotice(brand, "renamed", { at: AT, passkeyCreatedAt: EARLIER, ...origin }), name: CUSTOMER_NAME }),
  "passkey-removed": () => ({ notice: passkeyChangeNotice(brand, "removed", { at: AT, passkeyCreatedAt: EARLIER, ...origin }), name: CUSTOMER_NAME }),
  "passkey-counter-warning": () => ({ notice: passkeyCounterNotice(brand, { at: AT, passkeyCreatedAt: EARLIER, ...origin }), name: CUSTOMER_NAME }),
  "passkey-required-on": () => ({ notice: passkeyRequiredNotice(brand, true, { at: AT, ...origin }), name: CUSTOMER_NAME }),
  "passkey-required-off": () => ({ notice: passkeyRequiredNotice(brand, false, { at: AT, ...origin }), name: CUSTOMER_NAME }),
  "trading-pin-changed": () => ({ notice: tradingPinChangedNotice(brand, { changedAt: AT, ...origin }), name: CUSTOMER_NAME }),
  "trading-pin-locked": () => ({ notice: tradingPinLockedNotice(brand, { lockedAt: AT, ...origin }), name: CUSTOMER_NAME }),

  "account-unlocked": () => ({ notice: accountUnlockedNotice(brand, { unlockedAt: AT }), name: CUSTOMER_NAME }),
  "account-unfrozen": () => ({ notice: accountUnfrozenNotice(brand, { unfrozenAt: AT }), name: CUSTOMER_NAME }),
  "sessions-ended": () => ({ notice: sessionsEndedNotice(brand, { endedAt: AT }), name: CUSTOMER_NAME }),
  "mfa-on": () => ({ notice: mfaOnNotice(brand, { enabledAt: AT }), name: CUSTOMER_NAME }),
  "mfa-off": () => ({ notice: mfaOffNotice(brand, { disabledAt: AT }), name: CUSTOMER_NAME }),
  "email-changed-old-address": () => ({ notice: emailChangeOldAddressNotice(brand, { changedAt: AT }), name: CUSTOMER_NAME }),
  "email-changed-new-address": () => ({ notice: emailChangeNewAddressNotice(brand, { changedAt: AT }), name: CUSTOMER_NAME }),
  "passkey-required-off-by-call-center": () => ({ notice: passkeyRequiredOffByOperatorNotice(brand, { at: AT }), name: CUSTOMER_NAME }),
  "trading-pin-unlocked": () => ({ notice: tradingPinUnlockedNotice(brand, { unlockedAt: AT }), name: CUSTOMER_NAME }),
  "security-request-received.mfa_off.no-wait": () => ({ notice: securityRequestReceivedNotice(brand, "mfa_off", { requestedAt: AT, delayHours: 0 }), name: CUSTOMER_NAME }),
  "security-request-received.mfa_off.1-hour": () => ({ notice: securityRequestReceivedNotice(brand, "mfa_off", { requestedAt: AT, delayHours: 1 }), name: CUSTOMER_NAME }),
  ...Object.fromEntries(
    REQUEST_KINDS.flatMap((kind) => [
      [`security-request-received.${kind}`, () => ({ notice: securityRequestReceivedNotice(brand, kind, { requestedAt: AT, delayHours: 24 }), name: CUSTOMER_NAME })],
      [`security-request-approved.${kind}`, () => ({ notice: securityRequestApprovedNotice(brand, kind, { approvedAt: AT, effectiveAt: LATER }), name: CUSTOMER_NAME })],
      [`security-request-closed.${kind}`, () => ({ notice: securityRequestClosedNotice(brand, kind, { at: AT }), name: CUSTOMER_NAME })],
    ]),
  ),
};

/** What the golden file holds: the subject line, a blank line, the body as mailed. */
function rendered({ notice, name }: Golden): string {
  return `Subject: ${notice.subject}\n\n${noticeBody(brand, name, notice)}\n`;
}

describe("every mail the product sends, as golden files (test/golden/mails)", () => {
  for (const [name, build] of Object.entries(MAILS)) {
    it(name, () => {
      const file = `${GOLDEN_DIR}${name}.txt`;
      const actual = rendered(build());
      if (!existsSync(file) && UPDATE) {
        mkdirSync(GOLDEN_DIR, { recursive: true });
        writeFileSync(file, actual);
      }
      assert.ok(existsSync(file), `${file} is missing: run this test with UPDATE_GOLDEN=1 to write it, then read it`);
      assert.equal(actual, readFileSync(file, "utf8"), `${name}: the mail differs from its golden file`);
    });
  }

  it("holds no golden file for a mail that is no longer built", () => {
    const files = readdirSync(GOLDEN_DIR).filter((file) => file.endsWith(".txt")).map((file) => file.slice(0, -".txt".length));
    assert.deepEqual(files.filter((file) => !(file in MAILS)), []);
  });
});
