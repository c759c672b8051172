import type { Customer, LoginChallenge } from "../kernel/ports.ts";
import type { LoginDeps } from "./login-deps.ts";
import type { Lockout } from "./lockout.ts";
import type { EnforceRateLimit } from "../kernel/rate-limit.ts";
import type { RequestContext } from "../kernel/request-context.ts";
import { auditCustomerEvent } from "../kernel/audit.ts";
import { codeMatches, normalizeCodeInput } from "../kernel/email-code.ts";
import { InvalidCodeError, TooManyCodeAttemptsError } from "../kernel/errors.ts";
import { MAX_CODE_ATTEMPTS } from "../kernel/limits.ts";
import { AUTH_METHODS_PASSWORD_AND_CODE } from "./login-deps.ts";
import { assertStillPending, customerOfUsableChallenge } from "./login-challenge.ts";
import { hashToken } from "../kernel/token-hash.ts";
import type { LoginNotifier } from "./login-notifier.ts";

/**
 * How many of the customer's previous codes a wrong code is compared with. The code-mail
 * limit sends at most 5 mails in 15 minutes by default, so these are the mails a customer
 * may still be reading; each comparison is one HMAC.
 */
const SUPERSEDED_CODES_RECOGNISED = 5;

export interface CodeStepResult {
  sessionToken: string;
  customer: Customer;
  /** The device cookie's token after the login notice (login-notifier.ts): the one the browser sent, or a new one. */
  deviceToken: string;
}

/**
 * The second factor (DESIGN §2, ログイン時多要素認証 入力): the emailed code, for the
 * challenge bound to this browser. Five wrong codes burn it (seed Q4); every wrong
 * code also counts toward the customer's lockout.
 */
export class CodeStep {
  private readonly deps: LoginDeps;
  private readonly lockout: Lockout;
  private readonly limit: EnforceRateLimit;
  private readonly notifier: LoginNotifier;

  constructor(deps: LoginDeps, lockout: Lockout, limit: EnforceRateLimit, notifier: LoginNotifier) {
    this.deps = deps;
    this.lockout = lockout;
    this.limit = limit;
    this.notifier = notifier;
  }

  async run(input: { preauthToken: string | undefined; code: string; deviceToken?: string }, context: RequestContext): Promise<CodeStepResult> {
    const { challenges, customers, sessions, settings, audit } = this.deps;
    if (input.preauthToken === undefined || input.preauthToken === "") {
      throw new InvalidCodeError("no pre-auth token in this browser");
    }
    await this.limit("codePerIp", context.ip, context);
    const challenge = await challenges.findByPreauthHash(hashToken(input.preauthToken));
    if (challenge === null) {
      throw new InvalidCodeError("unknown pre-auth token");
    }
    const ofCustomer = { customerId: challenge.customerId };
    await this.limit("codePerChallenge", challenge.id, context, ofCustomer);
    await this.limit("codePerCustomer", challenge.customerId, context, ofCustomer);
    const customer = await customerOfUsableChallenge(this.deps, this.lockout, challenge, context);
    const code = normalizeCodeInput(input.code);
    // A field that is not 6 digits after normalisation is a typo, not a guess: no attempt is counted.
    if (code === null) {
      throw new InvalidCodeError(`malformed code for challenge ${challenge.id}`);
    }
    if (!codeMatches(settings.codeKeys, challenge.id, code, challenge.codeHmac)) {
      await this.wrongCode(challenge, context, { supersededCode: await this.isSupersededCode(challenge, code) });
    }
    const prepared = sessions.prepare(customer.id, AUTH_METHODS_PASSWORD_AND_CODE, context);
    // Only one request can move the challenge from pending to used, and only while the account is unlocked.
    const completion = await challenges.complete(challenge.id, prepared.session, prepared.login);
    if (completion === "locked") {
      throw await this.lockout.refuse(customer.id, context, "code");
    }
    if (completion === "not_pending") {
      await this.assertLatestStillPending(challenge);
      throw new InvalidCodeError(`challenge ${challenge.id} was used concurrently`);
    }
    // Only a completed login (both factors) resets the failure count.
    await customers.resetFailures(customer.id);
    // Not one after the other: the three audit rows (the login notice's last) are then recorded in
    // the same turn of the event loop and committed together (group commit, audit-append.ts).
    const [, , notified] = await Promise.all([
      auditCustomerEvent(audit, context, "code.used", "ok", customer.id, { challengeId: challenge.id }),
      sessions.recordStart(customer.id, AUTH_METHODS_PASSWORD_AND_CODE, context, prepared.session.idHash),
      this.notifier.afterLogin(customer, input.deviceToken, context),
    ]);
    return { sessionToken: prepared.token, customer, deviceToken: notified.deviceToken };
  }

  /**
   * Whether `code` is the code of one of the customer's previous challenges, superseded
   * by this one (seed Q6: 前回の認証コードはご利用いただけません). The common case is the
   * same browser: the first mail arrives late, after the customer logged in again, and
   * its code is typed into the new code screen (issue 11, item 10).
   */
  private async isSupersededCode(challenge: LoginChallenge, code: string): Promise<boolean> {
    const { challenges, settings } = this.deps;
    const previous = await challenges.previousForCustomer(challenge, SUPERSEDED_CODES_RECOGNISED);
    return previous.some((earlier) => codeMatches(settings.codeKeys, earlier.id, code, earlier.codeHmac));
  }

  /**
   * Counts a wrong code on the challenge and on the customer; always throws. A superseded
   * code counts like any wrong code (it is not the code of this challenge), but the answer
   * says that a newer code was sent.
   */
  private async wrongCode(challenge: LoginChallenge, context: RequestContext, options: { supersededCode: boolean }): Promise<never> {
    const { challenges, audit } = this.deps;
    const outcome = await challenges.recordWrongCode(challenge.id, MAX_CODE_ATTEMPTS);
    await auditCustomerEvent(audit, context, "code.failed", "refused", challenge.customerId, {
      challengeId: challenge.id,
      attempt: outcome?.failedAttempts ?? null,
      ...(options.supersededCode ? { supersededCode: true } : {}),
    });
    await this.lockout.countFailure(challenge.customerId, context, "code");
    if (outcome?.status === "burned") {
      await auditCustomerEvent(audit, context, "code.burned", "refused", challenge.customerId, { challengeId: challenge.id });
      throw new TooManyCodeAttemptsError(`challenge ${challenge.id} burned`);
    }
    if (outcome === null) {
      // Another request changed the challenge meanwhile (used, burned or superseded).
      await this.assertLatestStillPending(challenge);
    }
    throw new InvalidCodeError(
      `${options.supersededCode ? "superseded" : "wrong"} code for challenge ${challenge.id} (attempt ${outcome?.failedAttempts ?? "-"})`,
      { newerCodeSent: options.supersededCode },
    );
  }

  /** Reads the challenge again and throws the answer for its new state, if it has left pending. */
  private async assertLatestStillPending(challenge: LoginChallenge): Promise<void> {
    const latest = await this.deps.challenges.findByPreauthHash(challenge.preauthHash);
    if (latest !== null) {
      assertStillPending(latest);
    }
  }
}
