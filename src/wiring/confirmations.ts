import type { Config } from "../config.ts";
import type { LoginDeps } from "../core/login/login-deps.ts";
import type { PasskeyDeps } from "../core/passkeys/passkey-deps.ts";
import type { AuthenticationResponseJSON } from "../core/passkeys/passkey-assertion.ts";
import type { ConfirmationPasskeys, TradingPinCheck } from "../core/confirmations/ports-confirmation.ts";
import type { Stores } from "./stores.ts";
import { Confirmations } from "../core/confirmations/confirmations.ts";
import { hasPasskey, passkeyRequestOptions, verifyPasskeyAssertion } from "../core/passkeys/passkey-assertion.ts";
import { createConfirmationSigner } from "../adapters/crypto/confirmation-signer.ts";
import { loadOrCreateSigningKey } from "../adapters/crypto/confirmation-key-file.ts";

/**
 * The confirmations for the trading site (issue 13 §5, §6) on the same stores, clock, audit log
 * and outbox as the login (`loginDeps`), with the trading PIN and the passkeys as their services
 * check them. The signing key is CONFIRMATION_SIGNING_KEY, or, outside production, the key file
 * made on the first start; `warnings` are for the log (a key file readable by others, a new key).
 */
export async function buildConfirmations(
  stores: Pick<Stores, "stepUps" | "confirmations">,
  loginDeps: LoginDeps,
  config: Pick<Readonly<Config>, "confirmations" | "publicUrl">,
  parts: { pins: TradingPinCheck; passkeys: PasskeyDeps },
): Promise<{ confirmations: Confirmations; warnings: string[] }> {
  const settings = config.confirmations;
  const warnings: string[] = [];
  let signingKeyPem: string;
  if ("pem" in settings.signingKey) {
    signingKeyPem = settings.signingKey.pem;
  } else {
    const file = loadOrCreateSigningKey(settings.signingKey.file);
    signingKeyPem = file.pem;
    if (file.created) {
      warnings.push(`created a confirmation signing key in ${settings.signingKey.file} (development; set CONFIRMATION_SIGNING_KEY in production)`);
    }
    if (file.warning !== null) {
      warnings.push(file.warning);
    }
  }
  const signer = await createConfirmationSigner({ signingKeyPem, previousPublicKeysPem: settings.previousPublicKeys });
  const confirmations = new Confirmations({
    ...loginDeps,
    stepUps: stores.stepUps,
    confirmations: stores.confirmations,
    signer,
    pinCheck: parts.pins,
    passkeyCheck: confirmationPasskeys(parts.passkeys),
    confirmation: {
      issuer: config.publicUrl,
      audience: settings.audience,
      policy: settings.policy,
      passkeyRequiredFrom: settings.passkeyRequiredFrom?.at ?? null,
    },
  });
  return { confirmations, warnings };
}

/** The passkey rules (passkey-assertion.ts) as a confirmation asks for them. */
export function confirmationPasskeys(deps: PasskeyDeps): ConfirmationPasskeys {
  return {
    hasPasskey: (customerId) => hasPasskey(deps, customerId),
    requestOptions: (customerId, challenge) => passkeyRequestOptions(deps, { customerId, challenge }),
    async verify(customerId, response, challenge, context): Promise<void> {
      // The web layer bounded the answer's shape (passkeyAssertionShape); the library refuses a bad one ([5161]).
      await verifyPasskeyAssertion(deps, { customerId, response: response as AuthenticationResponseJSON, expectedChallenge: challenge, context });
    },
  };
}
