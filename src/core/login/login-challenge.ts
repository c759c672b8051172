import type { Customer, LoginChallenge } from "../kernel/ports.ts";
import type { LoginDeps } from "./login-deps.ts";
import type { Lockout } from "./lockout.ts";
import type { RequestContext } from "../kernel/request-context.ts";
import { auditCustomerEvent } from "../kernel/audit.ts";
import { buildNotice } from "../mail/notice-kinds.ts";
import { codeHmac, codeMatches, generateCode } from "../kernel/email-code.ts";
import { maskEmail } from "../kernel/email-address.ts";
import { CodeExpiredError, InvalidCodeError, TooManyCodeAttemptsError } from "../kernel/errors.ts";
import { PREAUTH_TOKEN_BYTES } from "../kernel/limits.ts";
import { noticeMail } from "../mail/notice.ts";
import { describeRequestOrigin } from "../kernel/request-origin.ts";
import { refuseFrozen } from "./frozen-refusal.ts";
import { hashToken } from "../kernel/token-hash.ts";

/** What the code screen (ログイン時多要素認証 入力) shows. */
export interface PendingCodeView {
  maskedEmail: string;
  sentAt: number;
  expiresAt: number;
}

export interface IssuedChallenge extends PendingCodeView {
  /** Goes into the browser's pre-auth cookie and nowhere else. */
  preauthToken: string;
}

/**
 * A new login challenge (DESIGN §2): supersedes the customer's pending codes (seed Q6),
 * stores only the code's HMAC, binds the challenge to this browser and mails a code
 * that differs from the previous one, the challenge and its mail in one transaction.
 * Null, with nothing written, when the account is locked at that moment. `resent`: asked for
 * with 「認証コードを再送信」 rather than a login (the audit trail tells them apart).
 */
export async function issueLoginChallenge(deps: LoginDeps, customer: Customer, context: RequestContext, options?: { resent?: boolean }): Promise<IssuedChallenge | null> {
  const { challenges, random, outbox, settings, audit, clock } = deps;
  const sentAt = clock.now();
  const previous = await challenges.latestForCustomer(customer.id);
  const id = random.id();
  let code = generateCode(random);
  // Seed Q6: "同じ認証コードは再発行されません". The previous code is known only
  // by its HMAC, so test each candidate against it.
  while (previous !== null && codeMatches(settings.codeKeys, previous.id, code, previous.codeHmac)) {
    code = generateCode(random);
  }
  const preauthToken = random.token(PREAUTH_TOKEN_BYTES);
  const challenge: LoginChallenge = {
    id,
    customerId: customer.id,
    codeHmac: codeHmac(settings.codeKeys, id, code),
    preauthHash: hashToken(preauthToken),
    status: "pending",
    failedAttempts: 0,
    sentAt,
    expiresAt: sentAt + settings.codeTtlSeconds * 1000,
    ip: context.ip,
    userAgent: context.userAgent,
  };
  const notice = buildNotice("login-code", settings.brand, {
    code,
    sentAt,
    expiresAt: challenge.expiresAt,
    ttlMinutes: Math.round(settings.codeTtlSeconds / 60),
    ...describeRequestOrigin(context),
  });
  const mail = noticeMail(settings.brand, customer, notice, { id: random.id(), createdAt: sentAt, kind: "code" });
  if (!(await outbox.queueWith(mail, (stores) => stores.challenges.start(challenge)))) {
    return null;
  }
  await auditCustomerEvent(audit, context, "code.sent", "ok", customer.id, { challengeId: id, ...(options?.resent === true ? { resent: true } : {}) });
  return { preauthToken, maskedEmail: maskEmail(customer.email), sentAt, expiresAt: challenge.expiresAt };
}

/** Throws the answer for a challenge that can no longer take a code. */
export function assertStillPending(challenge: LoginChallenge): void {
  switch (challenge.status) {
    case "pending":
      return;
    case "superseded":
      throw new InvalidCodeError(`challenge ${challenge.id} superseded by a newer login`, { supersededHere: true });
    case "burned":
      throw new TooManyCodeAttemptsError(`challenge ${challenge.id} burned`);
    case "expired":
      throw new CodeExpiredError(`challenge ${challenge.id} expired`);
    case "used":
      throw new InvalidCodeError(`challenge ${challenge.id} already used`);
  }
}

/**
 * The customer of a challenge that can still take a code, for the code step and the resend;
 * otherwise throws the answer: [5121] customer gone, [5103] frozen, [5102] locked, the
 * challenge's own state (assertStillPending), [5122] expired now (marked and audited).
 */
export async function customerOfUsableChallenge(deps: LoginDeps, lockout: Lockout, challenge: LoginChallenge, context: RequestContext): Promise<Customer> {
  const customer = await deps.customers.findById(challenge.customerId);
  if (customer === null) {
    throw new InvalidCodeError(`customer of challenge ${challenge.id} is gone`);
  }
  if (customer.frozenAt !== null) {
    throw await refuseFrozen(deps, customer.id, context, "code");
  }
  if (customer.lockedAt !== null) {
    throw await lockout.refuse(customer.id, context, "code");
  }
  assertStillPending(challenge);
  if (deps.clock.now() >= challenge.expiresAt) {
    await deps.challenges.markExpired(challenge.id);
    await auditCustomerEvent(deps.audit, context, "code.expired", "refused", customer.id, { challengeId: challenge.id });
    throw new CodeExpiredError(`challenge ${challenge.id} expired`);
  }
  return customer;
}
