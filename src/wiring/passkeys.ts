import type { PasskeyServiceDeps } from "../core/passkeys/passkey-deps.ts";
import { PasskeyLogin } from "../core/passkeys/passkey-login.ts";
import { PasskeyManagement } from "../core/passkeys/passkey-management.ts";
import { PasskeyRegistration } from "../core/passkeys/passkey-registration.ts";
import { PasskeyRequired } from "../core/passkeys/passkey-required.ts";

/** The customers' passkey services (issue 13), as the web layer takes them. */
export interface PasskeyServices {
  /** A fresh emailed code, the creation options, the new passkey. */
  registration: PasskeyRegistration;
  /** The customer's list: rename, remove. */
  management: PasskeyManagement;
  /** Discoverable passkey login: options bound to the browser, the assertion, the session. */
  login: PasskeyLogin;
  /** パスキー必須: on and off with an assertion. */
  required: PasskeyRequired;
}

export function buildPasskeyServices(deps: PasskeyServiceDeps): PasskeyServices {
  return {
    registration: new PasskeyRegistration(deps),
    management: new PasskeyManagement(deps),
    login: new PasskeyLogin(deps),
    required: new PasskeyRequired(deps),
  };
}
