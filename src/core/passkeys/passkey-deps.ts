import type { Brand } from "../kernel/brand.ts";
import type { LoginDeps } from "../login/login-deps.ts";
import type { Clock, CustomerStore, MailOutbox, Random } from "../kernel/ports.ts";
import type { AuditLog } from "../kernel/ports-audit.ts";
import type { KnownDeviceStore, StepUpStore } from "../login/ports-account.ts";
import type { PasskeyStore, WebAuthnChallengeStore } from "./ports-passkey.ts";

/**
 * Who the passkeys are for (WebAuthn's relying party, issue 13 §1): the RP ID is the host of
 * PUBLIC_URL; the origins an answer may come from are PUBLIC_URL and WEBAUTHN_EXTRA_ORIGINS
 * (the smartphone app), never the request's own Origin header.
 */
export interface RelyingParty {
  /** `okb-sec.co.jp`: the host of PUBLIC_URL (an IP address is passed on; browsers want a name). */
  id: string;
  /** Shown by the browser's passkey dialog: the brand. */
  name: string;
  /** Exact origins (`https://okb-sec.co.jp`), PUBLIC_URL's first. */
  origins: readonly string[];
}

/** The RP of a deployment: from PUBLIC_URL, the extra origins and the brand's name. */
export function relyingPartyOf(publicUrl: string, extraOrigins: readonly string[], brandName: string): RelyingParty {
  const url = new URL(publicUrl);
  return { id: url.hostname.replace(/^\[(.*)\]$/u, "$1"), name: brandName, origins: [url.origin, ...extraOrigins.filter((origin) => origin !== url.origin)] };
}

/** What the passkey rules work with; built once by the wiring (src/wiring/passkeys.ts). */
export interface PasskeyDeps {
  passkeys: PasskeyStore;
  webauthnChallenges: WebAuthnChallengeStore;
  customers: CustomerStore;
  audit: AuditLog;
  outbox: MailOutbox;
  clock: Clock;
  random: Random;
  brand: Brand;
  relyingParty: RelyingParty;
}

/** The passkey services of the customer's side: the login's deps (lockout, limits, mail) and the passkey stores. */
export interface PasskeyServiceDeps extends LoginDeps, PasskeyDeps {
  stepUps: StepUpStore;
  knownDevices: KnownDeviceStore;
}
