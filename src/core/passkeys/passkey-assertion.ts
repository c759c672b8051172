import { generateAuthenticationOptions, verifyAuthenticationResponse } from "@simplewebauthn/server";
import type { AuthenticationResponseJSON, AuthenticatorTransport, PublicKeyCredentialRequestOptionsJSON } from "@simplewebauthn/server";
import type { PasskeyDeps } from "./passkey-deps.ts";
import type { Passkey } from "./ports-passkey.ts";
import type { RequestContext } from "../kernel/request-context.ts";
import { auditCustomerEvent } from "../kernel/audit.ts";
import { PasskeyRefusedError } from "./passkey-errors.ts";
import { PASSKEY_CHALLENGE_TTL_MS } from "../kernel/limits.ts";
import { noticeMail } from "../mail/notice.ts";
import { buildNotice } from "../mail/notice-kinds.ts";
import { describeRequestOrigin } from "../kernel/request-origin.ts";

export type { AuthenticationResponseJSON, PublicKeyCredentialRequestOptionsJSON } from "@simplewebauthn/server";

/** The challenge an assertion must sign: the exact string, or a test of it (a stored hash). */
export type ExpectedChallenge = string | ((challenge: string) => boolean);

/** Which ceremony an assertion answers (the audit's `ceremony`: ログイン履歴 shows the login's only). */
export type AssertionCeremony = "login" | "passkey_required" | "confirmation";

/** A verified assertion: the passkey used (after the counter and flags were recorded). */
export interface VerifiedAssertion {
  passkey: Passkey;
  credentialId: string;
}

/**
 * Request options for `navigator.credentials.get` with exactly `challenge` (base64url) and the
 * customer's own passkeys in allowCredentials; user verification required (issue 13 §1).
 * For an operation-bound confirmation (the challenge derived from the operation) and パスキー必須.
 */
export async function passkeyRequestOptions(deps: Pick<PasskeyDeps, "passkeys" | "relyingParty">, input: { customerId: string; challenge: string }): Promise<PublicKeyCredentialRequestOptionsJSON> {
  const passkeys = await deps.passkeys.listForCustomer(input.customerId);
  return generateAuthenticationOptions({
    rpID: deps.relyingParty.id,
    challenge: new Uint8Array(Buffer.from(input.challenge, "base64url")),
    allowCredentials: passkeys.map((passkey) => ({ id: passkey.credentialId, transports: passkey.transports as AuthenticatorTransport[] })),
    userVerification: "required",
    // The browser may take as long as the server keeps a challenge.
    timeout: PASSKEY_CHALLENGE_TTL_MS,
  });
}

/** Whether the customer has registered a passkey. */
export async function hasPasskey(deps: Pick<PasskeyDeps, "passkeys">, customerId: string): Promise<boolean> {
  return (await deps.passkeys.listForCustomer(customerId)).length > 0;
}

/**
 * Verifies a passkey assertion over `expectedChallenge` by one of `customerId`'s passkeys, and
 * records its use (counter, backup flag, time). Throws [5161] for anything refused: another
 * customer's or an unknown credential, no user verification, another origin or RP ID, another
 * challenge, a bad signature. The challenge's single use is the caller's (it owns the challenge).
 */
export async function verifyPasskeyAssertion(
  deps: PasskeyDeps,
  input: { customerId: string; response: AuthenticationResponseJSON; expectedChallenge: ExpectedChallenge; context: RequestContext },
): Promise<{ credentialId: string; passkeyId: string }> {
  const verified = await verifyAssertion(deps, { ...input, ceremony: "confirmation" });
  return { credentialId: verified.credentialId, passkeyId: verified.passkey.id };
}

/**
 * The assertion check every ceremony shares. `customerId` null: a discoverable login, where the
 * credential names the customer. Refusals are audited (`passkey.failed`) against the customer
 * the credential belongs to, when known.
 */
export async function verifyAssertion(
  deps: PasskeyDeps,
  input: { customerId: string | null; response: AuthenticationResponseJSON; expectedChallenge: ExpectedChallenge; context: RequestContext; ceremony: AssertionCeremony },
): Promise<VerifiedAssertion> {
  const { passkeys, relyingParty, clock } = deps;
  const refused = (customerId: string | null, reason: string, extra: Record<string, string> = {}): Promise<void> =>
    auditCustomerEvent(deps.audit, input.context, "passkey.failed", "refused", customerId, { ceremony: input.ceremony, reason, ...extra });
  const credentialId = typeof input.response?.id === "string" ? input.response.id : "";
  const passkey = credentialId === "" ? null : await passkeys.findByCredentialId(credentialId);
  if (passkey === null) {
    await refused(input.customerId, "unknown_credential");
    throw new PasskeyRefusedError("unknown credential", { unknownAtLogin: input.ceremony === "login" });
  }
  if (input.customerId !== null && passkey.customerId !== input.customerId) {
    // Another customer's passkey: refused, and recorded on the customer who asked.
    await refused(input.customerId, "credential_of_another_customer");
    throw new PasskeyRefusedError(`credential ${passkey.id} is not customer ${input.customerId}'s`);
  }
  let newCounter: number;
  let backedUp: boolean;
  try {
    const result = await verifyAuthenticationResponse({
      response: input.response,
      expectedChallenge: input.expectedChallenge,
      expectedOrigin: [...relyingParty.origins],
      expectedRPID: relyingParty.id,
      expectedType: "webauthn.get",
      requireUserVerification: true,
      // The library refuses a counter that did not go up; we warn instead (issue 13 §1), below.
      credential: { id: passkey.credentialId, publicKey: new Uint8Array(Buffer.from(passkey.publicKey, "base64url")), counter: 0 },
    });
    if (!result.verified) {
      throw new Error("signature does not verify");
    }
    newCounter = result.authenticationInfo.newCounter;
    backedUp = result.authenticationInfo.credentialBackedUp;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    await refused(passkey.customerId, refusalReason(message), { passkeyId: passkey.id });
    // The library's text can quote the expected challenge (a live confirmation's): only the reason word goes on.
    throw new PasskeyRefusedError(`assertion by ${passkey.id} refused: ${refusalReason(message)}`);
  }
  const at = clock.now();
  await passkeys.recordUse(passkey.id, { counter: newCounter, backedUp, at });
  if (passkey.counter > 0 && newCounter <= passkey.counter) {
    await warnCounter(deps, passkey, { stored: passkey.counter, seen: newCounter, at }, input.context);
  }
  return { passkey: { ...passkey, counter: Math.max(passkey.counter, newCounter), backedUp, lastUsedAt: at }, credentialId: passkey.credentialId };
}

/**
 * A counter that did not go up from non-zero (WebAuthn §6.1.1: a possibly cloned authenticator):
 * audited and the customer told by mail; the assertion still counts (synced passkeys and some
 * platform authenticators report counters that do not fit the rule).
 */
async function warnCounter(deps: PasskeyDeps, passkey: Passkey, counters: { stored: number; seen: number; at: number }, context: RequestContext): Promise<void> {
  const { customers, outbox, random, brand, audit } = deps;
  const customer = await customers.findById(passkey.customerId);
  let mailId: string | null = null;
  if (customer !== null) {
    mailId = random.id();
    const notice = buildNotice("passkey-counter-warning", brand, { at: counters.at, passkeyCreatedAt: passkey.createdAt, ...describeRequestOrigin(context) });
    await outbox.queue(noticeMail(brand, customer, notice, { id: mailId, createdAt: counters.at }));
  }
  await auditCustomerEvent(audit, context, "passkey.counter_not_increased", "info", passkey.customerId, {
    passkeyId: passkey.id,
    storedCounter: counters.stored,
    seenCounter: counters.seen,
    mailId,
  });
}

/**
 * The library's refusal in one word for the audit log (its message may quote the challenge and
 * the origin the browser reported; the message itself goes to the log line only).
 */
export function refusalReason(message: string): string {
  const reasons: Array<[RegExp, string]> = [
    [/user verification/iu, "no_user_verification"],
    [/user not present/iu, "no_user_presence"],
    [/challenge/iu, "wrong_challenge"],
    [/top origin|origin/iu, "wrong_origin"],
    [/RP ID/iu, "wrong_rp_id"],
    [/signature/iu, "bad_signature"],
    [/type/iu, "wrong_type"],
  ];
  return reasons.find(([pattern]) => pattern.test(message))?.[1] ?? "malformed";
}
