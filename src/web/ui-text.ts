import { KERNEL_TEXT } from "./kernel/i18n.ts";
import type { TextTable } from "./kernel/i18n.ts";
import { LOGIN_TEXT } from "./login/i18n-login.ts";
import { ACCOUNT_TEXT } from "./account/i18n-account.ts";
import { PASSKEY_TEXT } from "./passkeys/i18n-passkey.ts";
import { TRADING_PIN_TEXT } from "./trading-pin/i18n-trading-pin.ts";
import { HELP_TEXT } from "./help/i18n-help.ts";
import { OIDC_TEXT } from "./oidc/i18n-oidc.ts";

const PARTS = [KERNEL_TEXT, LOGIN_TEXT, ACCOUNT_TEXT, PASSKEY_TEXT, TRADING_PIN_TEXT, HELP_TEXT, OIDC_TEXT];

// A key two features define would show one of them the other's words: refused at start.
const keys = PARTS.flatMap((part) => Object.keys(part.ja));
const twice = keys.filter((key, index) => keys.indexOf(key) !== index);
if (twice.length > 0) {
  throw new Error(`UI text keys defined twice: ${twice.join(", ")}`);
}

/**
 * The customers' UI text: the kernel's and every feature's (the console has its own,
 * console/i18n-console.ts). `satisfies`: a key some feature declares without its Japanese or
 * English does not compile.
 */
export const UI_TEXT = {
  ja: { ...KERNEL_TEXT.ja, ...LOGIN_TEXT.ja, ...ACCOUNT_TEXT.ja, ...PASSKEY_TEXT.ja, ...TRADING_PIN_TEXT.ja, ...HELP_TEXT.ja, ...OIDC_TEXT.ja },
  en: { ...KERNEL_TEXT.en, ...LOGIN_TEXT.en, ...ACCOUNT_TEXT.en, ...PASSKEY_TEXT.en, ...TRADING_PIN_TEXT.en, ...HELP_TEXT.en, ...OIDC_TEXT.en },
} satisfies TextTable;
