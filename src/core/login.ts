import type { Brand } from "./brand.ts";
import type {
  AuditLog,
  ChallengeStore,
  Clock,
  Customer,
  CustomerStore,
  LoginChallenge,
  MailQueue,
  OutboxNotifier,
  PasswordHasher,
  Random,
  RateLimiter,
} from "./ports.ts";
import type { RequestContext } from "./request-context.ts";
import type { SessionService } from "./session.ts";
import type { RateLimits } from "./rate-limit.ts";
import { auditCustomerEvent } from "./audit.ts";
import { codeMailBody, codeMailSubject } from "./code-mail.ts";
import { lockNoticeBody, lockNoticeSubject } from "./lock-notice-mail.ts";
import { describeRequestOrigin } from "./request-origin.ts";
import { maskEmail } from "./email-address.ts";
import { codeHmac, codeMatches, generateCode, hashToken, normalizeCodeInput } from "./email-code.ts";
import {
  AccountLockedError,
  CodeExpiredError,
  InvalidCodeError,
  InvalidCredentialsError,
  InvalidInputError,
  TooManyCodeAttemptsError,
} from "./errors.ts";
import { LOGIN_ID_PATTERN, MAX_CODE_ATTEMPTS, MAX_PASSWORD_LENGTH, PREAUTH_TOKEN_BYTES, UNKNOWN_LOGIN_ID_FAILURE_WINDOW_SECONDS } from "./limits.ts";
import { normalizeLoginId, normalizePassword } from "./credentials.ts";
import { enforceRateLimit } from "./rate-limit.ts";

export interface LoginSettings {
  codeTtlSeconds: number;
  /** HMAC key for stored codes (derived from the server secret). */
  codeKey: Buffer;
  brand: Brand;
  /** Consecutive failures that lock the account. */
  lockoutThreshold: number;
  rateLimits: RateLimits;
}

export interface LoginServiceDeps {
  customers: CustomerStore;
  challenges: ChallengeStore;
  sessions: SessionService;
  hasher: PasswordHasher;
  clock: Clock;
  random: Random;
  outbox: OutboxNotifier;
  /** Stand-alone mails (the lock notice). */
  mailQueue: MailQueue;
  audit: AuditLog;
  limiter: RateLimiter;
  settings: LoginSettings;
}

/** What the code screen (ログイン時多要素認証 入力) shows. */
export interface PendingCodeView {
  maskedEmail: string;
  sentAt: number;
  expiresAt: number;
}

export type PasswordStepResult =
  | ({ kind: "code_sent"; preauthToken: string } & PendingCodeView)
  | { kind: "logged_in"; sessionToken: string; mfaOff: true };

export interface CodeStepResult {
  sessionToken: string;
  customer: Customer;
}

/** RFC 8176 authentication method references, reported by GET /api/v1/session. */
export const AUTH_METHODS_PASSWORD_ONLY = ["pwd"];
export const AUTH_METHODS_PASSWORD_AND_CODE = ["pwd", "otp", "mfa"];

/**
 * The login flow (DESIGN §2): password, then the emailed 6-digit code, with
 * per-customer lockout (NIST SP 800-63B-4 §3.1.3.2), rate limits and an audit trail.
 */
export class LoginService {
  private readonly deps: LoginServiceDeps;

  constructor(deps: LoginServiceDeps) {
    this.deps = deps;
  }

  async passwordStep(input: { loginId: string; password: string }, context: RequestContext): Promise<PasswordStepResult> {
    const { customers, hasher, sessions, audit, clock } = this.deps;
    const loginId = normalizeLoginId(input.loginId);
    const password = normalizePassword(input.password);
    if ([...password].length > MAX_PASSWORD_LENGTH) {
      throw new InvalidInputError("password too long");
    }
    // Before the expensive hash: a flood from one address is refused cheaply.
    await this.limit("passwordPerIp", context.ip, context);
    await this.limit("passwordPerLoginId", loginId, context);
    const customer = LOGIN_ID_PATTERN.test(loginId) ? await customers.findByLoginId(loginId) : null;
    if (customer === null) {
      // As long as a wrong password takes, so response time does not reveal which IDs exist.
      await hasher.verifyAbsent(password);
      const answeredLocked = await this.countUnknownIdFailure(loginId);
      await auditCustomerEvent(audit, context, "password.failed", "refused", null, { reason: "unknown_login_id", answeredLocked });
      if (answeredLocked) {
        throw this.lockedError("unknown login ID, answered as a locked account would be");
      }
      throw new InvalidCredentialsError("unknown login ID");
    }
    const passwordRight = await hasher.verify(customer.passwordHash, password);
    if (customer.lockedAt !== null) {
      // Verified all the same, and the same answer either way: a locked account tells nobody whether the password was right.
      throw await this.refuseLocked(customer.id, context, "password");
    }
    if (!passwordRight) {
      await auditCustomerEvent(audit, context, "password.failed", "refused", customer.id, { reason: "wrong_password" });
      await this.countFailure(customer.id, context, "password");
      throw new InvalidCredentialsError(`wrong password for customer ${customer.id}`);
    }
    await auditCustomerEvent(audit, context, "password.ok", "ok", customer.id);
    await this.rehashIfNeeded(customer, password, context);
    if (!customer.mfaEnabled) {
      // The lock was read before the hash queue: failures racing this attempt may have locked
      // the account meanwhile, and a locked account must not say the password was right.
      if ((await customers.findById(customer.id))?.lockedAt !== null) {
        throw await this.refuseLocked(customer.id, context, "password");
      }
      await customers.resetFailures(customer.id);
      const sessionToken = await sessions.start(customer.id, AUTH_METHODS_PASSWORD_ONLY, context);
      return { kind: "logged_in", sessionToken, mfaOff: true };
    }
    // Mail bombing: a right password does not buy unlimited code mails.
    await this.limit("codeMailsPerCustomer", customer.id, context, customer.id);
    return this.sendCode(customer, context, clock.now());
  }

  /** Supersedes the customer's pending codes (seed Q6) and mails a new, different one. */
  private async sendCode(customer: Customer, context: RequestContext, sentAt: number): Promise<PasswordStepResult> {
    const { challenges, random, outbox, settings, audit } = this.deps;
    const previous = await challenges.latestForCustomer(customer.id);
    const id = random.id();
    let code = generateCode(random);
    // Seed Q6: "同じ認証コードは再発行されません". The previous code is known only
    // by its HMAC, so test each candidate against it.
    while (previous !== null && codeMatches(settings.codeKey, previous.id, code, previous.codeHmac)) {
      code = generateCode(random);
    }
    const preauthToken = random.token(PREAUTH_TOKEN_BYTES);
    const challenge: LoginChallenge = {
      id,
      customerId: customer.id,
      codeHmac: codeHmac(settings.codeKey, id, code),
      preauthHash: hashToken(preauthToken),
      status: "pending",
      failedAttempts: 0,
      sentAt,
      expiresAt: sentAt + settings.codeTtlSeconds * 1000,
      ip: context.ip,
      userAgent: context.userAgent,
    };
    const body = codeMailBody(settings.brand, {
      customerName: customer.name,
      code,
      sentAt,
      expiresAt: challenge.expiresAt,
      ...describeRequestOrigin(context),
      ttlMinutes: Math.round(settings.codeTtlSeconds / 60),
    });
    const started = await challenges.start(challenge, {
      id: random.id(),
      recipient: customer.email,
      subject: codeMailSubject(settings.brand),
      body,
      createdAt: sentAt,
    });
    if (!started) {
      // Locked by failures that raced this attempt through the hash queue: no code, no mail.
      throw await this.refuseLocked(customer.id, context, "password");
    }
    outbox.notify();
    await auditCustomerEvent(audit, context, "code.sent", "ok", customer.id, { challengeId: id });
    return {
      kind: "code_sent",
      preauthToken,
      maskedEmail: maskEmail(customer.email),
      sentAt,
      expiresAt: challenge.expiresAt,
    };
  }

  /** The pending challenge bound to this browser, for the code screen; null when there is none. */
  async pendingCode(preauthToken: string | undefined): Promise<PendingCodeView | null> {
    if (preauthToken === undefined || preauthToken === "") {
      return null;
    }
    const challenge = await this.deps.challenges.findByPreauthHash(hashToken(preauthToken));
    if (challenge === null || challenge.status !== "pending") {
      return null;
    }
    const customer = await this.deps.customers.findById(challenge.customerId);
    if (customer === null || customer.lockedAt !== null) {
      return null;
    }
    return { maskedEmail: maskEmail(customer.email), sentAt: challenge.sentAt, expiresAt: challenge.expiresAt };
  }

  async codeStep(input: { preauthToken: string | undefined; code: string }, context: RequestContext): Promise<CodeStepResult> {
    const { challenges, customers, sessions, clock, settings, audit } = this.deps;
    if (input.preauthToken === undefined || input.preauthToken === "") {
      throw new InvalidCodeError("no pre-auth token in this browser");
    }
    await this.limit("codePerIp", context.ip, context);
    const challenge = await challenges.findByPreauthHash(hashToken(input.preauthToken));
    if (challenge === null) {
      throw new InvalidCodeError("unknown pre-auth token");
    }
    await this.limit("codePerChallenge", challenge.id, context, challenge.customerId);
    await this.limit("codePerCustomer", challenge.customerId, context, challenge.customerId);
    const customer = await customers.findById(challenge.customerId);
    if (customer === null) {
      throw new InvalidCodeError(`customer of challenge ${challenge.id} is gone`);
    }
    if (customer.lockedAt !== null) {
      throw await this.refuseLocked(customer.id, context, "code");
    }
    assertStillPending(challenge);
    if (clock.now() >= challenge.expiresAt) {
      await challenges.markExpired(challenge.id);
      await auditCustomerEvent(audit, context, "code.expired", "refused", customer.id, { challengeId: challenge.id });
      throw new CodeExpiredError(`challenge ${challenge.id} expired`);
    }
    const code = normalizeCodeInput(input.code);
    // A field that is not 6 digits after normalisation is a typo, not a guess: no attempt is counted.
    if (code === null) {
      throw new InvalidCodeError(`malformed code for challenge ${challenge.id}`);
    }
    if (!codeMatches(settings.codeKey, challenge.id, code, challenge.codeHmac)) {
      await this.wrongCode(challenge, context);
    }
    const prepared = sessions.prepare(customer.id, AUTH_METHODS_PASSWORD_AND_CODE, context);
    // Only one request can move the challenge from pending to used.
    const completion = await challenges.complete(challenge.id, prepared.session, prepared.login);
    if (completion === "locked") {
      throw await this.refuseLocked(customer.id, context, "code");
    }
    if (completion === "not_pending") {
      const latest = await challenges.findByPreauthHash(challenge.preauthHash);
      if (latest !== null) {
        assertStillPending(latest);
      }
      throw new InvalidCodeError(`challenge ${challenge.id} was used concurrently`);
    }
    // Only a completed login (both factors) resets the failure count.
    await customers.resetFailures(customer.id);
    await auditCustomerEvent(audit, context, "code.used", "ok", customer.id, { challengeId: challenge.id });
    await sessions.recordStart(customer.id, AUTH_METHODS_PASSWORD_AND_CODE, context);
    return { sessionToken: prepared.token, customer };
  }

  /** Counts a wrong code on the challenge and on the customer; always throws. */
  private async wrongCode(challenge: LoginChallenge, context: RequestContext): Promise<never> {
    const { challenges, audit } = this.deps;
    const outcome = await challenges.recordWrongCode(challenge.id, MAX_CODE_ATTEMPTS);
    await auditCustomerEvent(audit, context, "code.failed", "refused", challenge.customerId, {
      challengeId: challenge.id,
      attempt: outcome?.failedAttempts ?? null,
    });
    await this.countFailure(challenge.customerId, context, "code");
    if (outcome?.status === "burned") {
      await auditCustomerEvent(audit, context, "code.burned", "refused", challenge.customerId, { challengeId: challenge.id });
      throw new TooManyCodeAttemptsError(`challenge ${challenge.id} burned`);
    }
    if (outcome === null) {
      // Another request changed the challenge meanwhile (used, burned or superseded).
      const latest = await challenges.findByPreauthHash(challenge.preauthHash);
      if (latest !== null) {
        assertStillPending(latest);
      }
    }
    throw new InvalidCodeError(`wrong code for challenge ${challenge.id} (attempt ${outcome?.failedAttempts ?? "-"})`);
  }

  /**
   * One more consecutive failure. Throws [5102] when it locked the account, and when
   * the account was already locked: failures that raced past the lock check before the
   * hash queue get the locked answer, never a hint about the password.
   */
  private async countFailure(customerId: string, context: RequestContext, step: "password" | "code"): Promise<void> {
    const { customers, clock, settings, audit } = this.deps;
    const lockedAt = clock.now();
    const { failedCount, lockedNow, alreadyLocked } = await customers.recordFailure(customerId, settings.lockoutThreshold, lockedAt);
    if (alreadyLocked) {
      throw await this.refuseLocked(customerId, context, step);
    }
    if (lockedNow) {
      const noticeMailId = await this.mailLockNotice(customerId, lockedAt, context);
      await auditCustomerEvent(audit, context, "account.locked", "info", customerId, { failedCount, noticeMailId });
      // Someone is guessing: a session they may already hold (or the customer's own) ends with the lock.
      await this.deps.sessions.endAll(customerId, "account_locked", context);
      throw this.lockedError(`customer ${customerId} locked by a wrong ${step}`);
    }
  }

  /**
   * A real ID answers [5102] from its `lockoutThreshold`-th failure on; an unknown ID must
   * answer the same sequence, or the lockout tells which IDs exist. Counted in the rate-limit
   * store under a keyed hash of the ID (nothing is written to customers); true from the
   * threshold-th failure on.
   */
  private async countUnknownIdFailure(loginId: string): Promise<boolean> {
    const { limiter, settings, clock } = this.deps;
    const decision = await limiter.consume(`unknownLoginIdFailures:${loginId}`, settings.lockoutThreshold - 1, UNKNOWN_LOGIN_ID_FAILURE_WINDOW_SECONDS, clock.now());
    return !decision.allowed;
  }

  /** Audits an attempt on a locked account and returns the [5102] to throw. */
  private async refuseLocked(customerId: string, context: RequestContext, step: "password" | "code"): Promise<AccountLockedError> {
    await auditCustomerEvent(this.deps.audit, context, "login.refused_locked", "refused", customerId, { step });
    return this.lockedError(`customer ${customerId} is locked`);
  }

  /**
   * Tells the customer at once, by mail to the registered address, that the account
   * was locked and from where. Queued after the lock has committed: should the process
   * die in between, the lock holds and only the notice is lost.
   */
  private async mailLockNotice(customerId: string, lockedAt: number, context: RequestContext): Promise<string | null> {
    const { customers, mailQueue, outbox, random, settings } = this.deps;
    const customer = await customers.findById(customerId);
    if (customer === null) {
      return null;
    }
    const id = random.id();
    await mailQueue.enqueue({
      id,
      recipient: customer.email,
      subject: lockNoticeSubject(settings.brand),
      body: lockNoticeBody(settings.brand, { customerName: customer.name, lockedAt, ...describeRequestOrigin(context) }),
      createdAt: lockedAt,
    });
    outbox.notify();
    return id;
  }

  /** Argon2 parameters were raised in config: upgrade this hash while the password is at hand. */
  private async rehashIfNeeded(customer: Customer, password: string, context: RequestContext): Promise<void> {
    const { hasher, customers, audit } = this.deps;
    if (!hasher.needsRehash(customer.passwordHash)) {
      return;
    }
    await customers.updatePasswordHash(customer.id, await hasher.hash(password));
    await auditCustomerEvent(audit, context, "password.rehashed", "info", customer.id);
  }

  private limit(name: keyof RateLimits, subject: string, context: RequestContext, customerId: string | null = null): Promise<void> {
    const { limiter, audit, settings, clock } = this.deps;
    return enforceRateLimit({ limiter, audit, limits: settings.rateLimits }, name, subject, context, clock.now(), { customerId });
  }

  private lockedError(detail: string): AccountLockedError {
    return new AccountLockedError(this.deps.settings.brand.callCenterPhone, detail);
  }
}

function assertStillPending(challenge: LoginChallenge): void {
  switch (challenge.status) {
    case "pending":
      return;
    case "superseded":
      throw new InvalidCodeError(`challenge ${challenge.id} superseded by a newer login`, { newerCodeSent: true });
    case "burned":
      throw new TooManyCodeAttemptsError(`challenge ${challenge.id} burned`);
    case "expired":
      throw new CodeExpiredError(`challenge ${challenge.id} expired`);
    case "used":
      throw new InvalidCodeError(`challenge ${challenge.id} already used`);
  }
}
