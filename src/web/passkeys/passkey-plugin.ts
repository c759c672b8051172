import type { Brand } from "../../core/kernel/brand.ts";
import type { PasskeyLogin } from "../../core/passkeys/passkey-login.ts";
import type { PasskeyManagement } from "../../core/passkeys/passkey-management.ts";
import type { PasskeyRegistration } from "../../core/passkeys/passkey-registration.ts";
import type { PasskeyRequired } from "../../core/passkeys/passkey-required.ts";
import type { SessionCheck } from "../kernel/customer-session.ts";
import type { WebPlugin } from "../kernel/plugin.ts";
import { passkeyPages } from "./passkey-pages.ts";
import { passkeyApi } from "./api-v1-passkeys.ts";
import { passkeyLoginApi } from "./api-v1-passkey-login.ts";
import { registerPasskeyScripts } from "./passkey-scripts.ts";
import type { PASSKEY_TEXT } from "./i18n-passkey.ts";

/** What the passkey pages and API need (issue 13). */
export interface PasskeyWebOptions {
  brand: Brand;
  sessions: SessionCheck;
  /** A fresh emailed code, the creation options, the new passkey. */
  registration: Pick<PasskeyRegistration, "sendCode" | "options" | "register">;
  /** The customer's list: rename, remove. */
  management: Pick<PasskeyManagement, "list" | "rename" | "remove">;
  /** Discoverable passkey login: options bound to the browser, the assertion, the session. */
  login: Pick<PasskeyLogin, "options" | "complete">;
  /** パスキー必須: on and off with an assertion. */
  required: Pick<PasskeyRequired, "isOn" | "options" | "set">;
}

/** Passkeys (issue 13): the customer's page /passkeys, their JSON API, logging in with one, and the scripts of both pages. */
export const passkeyPlugin: WebPlugin<PasskeyWebOptions> = async (app, options) => {
  registerPasskeyScripts(app);
  await app.register(passkeyPages, options);
  await app.register(passkeyApi, { ...options, prefix: "/api/v1" });
  await app.register(passkeyLoginApi, { ...options, prefix: "/api/v1" });
};

// Its texts (i18n-passkey.ts) join the UI text, so `t` and TextKey know their keys.
declare module "../kernel/i18n.ts" {
  interface UiTexts extends Record<keyof (typeof PASSKEY_TEXT)["ja"], string> {}
}
