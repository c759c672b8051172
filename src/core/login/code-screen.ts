import type { Customer, LoginChallenge } from "../kernel/ports.ts";
import type { LoginDeps } from "./login-deps.ts";
import type { PendingCodeView } from "./login-challenge.ts";
import type { LastDelivery } from "../mail/bounce.ts";
import { maskEmail } from "../kernel/email-address.ts";
import { PREAUTH_GRACE_SECONDS } from "../kernel/limits.ts";
import { hashToken } from "../kernel/token-hash.ts";

/** Why this browser's code can no longer be typed; the code screen says which, then offers 「もう一度ログインする」. */
export type CodeEndedReason = "superseded" | "expired" | "burned" | "closed";

/**
 * What the code screen (ログイン時多要素認証 入力) shows for the challenge bound to this browser
 * (issue 21, item 1): the code field while its code is pending, else why not and the way back.
 */
export type CodeScreen = ({ state: "pending"; code: PendingCodeView } | { state: "ended"; reason: CodeEndedReason }) & {
  /** Issue 22 §1: how the customer's last code mail fared (a bounce that came back); null when unknown. */
  lastDelivery: LastDelivery | null;
};

/** A bounce of a code mail sent up to a day before this challenge is still worth telling. */
const DELIVERY_LOOKBACK_MS = 24 * 3600_000;

type ScreenDeps = Pick<LoginDeps, "challenges" | "customers" | "clock" | "codeMailDeliveries">;

/** The challenge a pre-auth token names and its customer, or null for no token, an unknown one, or a customer gone. */
async function challengeOf(deps: ScreenDeps, preauthToken: string | undefined): Promise<{ challenge: LoginChallenge; customer: Customer } | null> {
  if (preauthToken === undefined || preauthToken === "") {
    return null;
  }
  const challenge = await deps.challenges.findByPreauthHash(hashToken(preauthToken));
  if (challenge === null) {
    return null;
  }
  const customer = await deps.customers.findById(challenge.customerId);
  return customer === null ? null : { challenge, customer };
}

/** The code screen for this browser; null when it names no challenge (the page sends it to /login). */
export async function codeScreenOf(deps: ScreenDeps, preauthToken: string | undefined): Promise<CodeScreen | null> {
  const found = await challengeOf(deps, preauthToken);
  if (found === null) {
    return null;
  }
  const { challenge, customer } = found;
  const lastDelivery = (await deps.codeMailDeliveries?.lastCodeDelivery(customer.id, challenge.sentAt - DELIVERY_LOOKBACK_MS)) ?? null;
  const ended = (reason: CodeEndedReason): CodeScreen => ({ state: "ended", reason, lastDelivery });
  // A locked or frozen account says so at the password step, not here (as the code step would).
  if (customer.lockedAt !== null || customer.frozenAt !== null) {
    return ended("closed");
  }
  switch (challenge.status) {
    case "pending":
      if (deps.clock.now() >= challenge.expiresAt) {
        return ended("expired");
      }
      return { state: "pending", code: { maskedEmail: maskEmail(customer.email), sentAt: challenge.sentAt, expiresAt: challenge.expiresAt }, lastDelivery };
    case "superseded":
      return ended("superseded");
    case "expired":
      return ended("expired");
    case "burned":
      return ended("burned");
    case "used":
      return ended("closed");
  }
}

/**
 * The login ID to fill in when this browser logs in again (「もう一度ログインする」): the one it
 * typed at the password step, read from the server's own record, so it never travels in a URL.
 * Only while the pre-auth state lives (its code's lifetime plus PREAUTH_GRACE_SECONDS, as its
 * cookie); null otherwise.
 */
export async function loginIdToRestart(deps: ScreenDeps, preauthToken: string | undefined): Promise<string | null> {
  const found = await challengeOf(deps, preauthToken);
  if (found === null || deps.clock.now() >= found.challenge.expiresAt + PREAUTH_GRACE_SECONDS * 1000) {
    return null;
  }
  return found.customer.loginId;
}
