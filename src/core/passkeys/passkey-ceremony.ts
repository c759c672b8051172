import { createHash } from "node:crypto";
import type { PasskeyDeps } from "./passkey-deps.ts";
import type { WebAuthnChallenge, WebAuthnPurpose } from "./ports-passkey.ts";
import type { RequestContext } from "../kernel/request-context.ts";
import { auditCustomerEvent } from "../kernel/audit.ts";
import { PasskeyRefusedError } from "./passkey-errors.ts";
import { PASSKEY_CHALLENGE_BYTES, PASSKEY_CHALLENGE_TTL_MS } from "../kernel/limits.ts";

/** SHA-256 of a challenge (base64url): what the server keeps of it. */
export function challengeHashOf(challenge: string): string {
  return createHash("sha256").update(challenge).digest("base64url");
}

/**
 * Starts a ceremony: a fresh random challenge (base64url), kept server-side as its hash, bound to
 * `bindingHash` (the session, or the browser's pre-auth token), for `PASSKEY_CHALLENGE_TTL_MS`.
 * Asking again replaces the earlier one. Returns the challenge for the options.
 */
export async function startCeremony(deps: Pick<PasskeyDeps, "webauthnChallenges" | "clock" | "random">, input: { purpose: WebAuthnPurpose; bindingHash: string; customerId: string | null }): Promise<string> {
  const challenge = deps.random.token(PASSKEY_CHALLENGE_BYTES);
  const now = deps.clock.now();
  await deps.webauthnChallenges.put({
    id: deps.random.id(),
    purpose: input.purpose,
    bindingHash: input.bindingHash,
    customerId: input.customerId,
    challengeHash: challengeHashOf(challenge),
    createdAt: now,
    expiresAt: now + PASSKEY_CHALLENGE_TTL_MS,
  });
  return challenge;
}

/**
 * Takes the ceremony's challenge for an answer, once: the answer then has to sign exactly it.
 * [5161] (audited as `passkey.failed`) when there is none (never asked, used, replaced, another
 * browser or session), when it expired, or when it was issued for another customer.
 */
export async function takeCeremony(
  deps: Pick<PasskeyDeps, "webauthnChallenges" | "clock" | "audit">,
  input: { purpose: WebAuthnPurpose; bindingHash: string; customerId: string | null; context: RequestContext },
): Promise<WebAuthnChallenge> {
  const taken = await deps.webauthnChallenges.take(input.purpose, input.bindingHash);
  const refusal = taken === null ? "no_challenge" : deps.clock.now() >= taken.expiresAt ? "challenge_expired" : taken.customerId !== input.customerId ? "challenge_of_another_customer" : null;
  if (taken === null || refusal !== null) {
    await auditCustomerEvent(deps.audit, input.context, "passkey.failed", "refused", input.customerId, { ceremony: input.purpose, reason: refusal });
    throw new PasskeyRefusedError(`${input.purpose} challenge refused: ${refusal}`);
  }
  return taken;
}

/** The test an answer's challenge must pass: its hash is the one kept. */
export function matchesCeremony(taken: WebAuthnChallenge): (challenge: string) => boolean {
  return (challenge) => challengeHashOf(challenge) === taken.challengeHash;
}
