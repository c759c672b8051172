import type { Brand } from "./brand.ts";
import type {
  ChallengeStore,
  Clock,
  Customer,
  CustomerStore,
  LoginChallenge,
  OutboxNotifier,
  PasswordHasher,
  Random,
} from "./ports.ts";
import type { RequestContext } from "./request-context.ts";
import type { SessionService } from "./session.ts";
import { codeMailBody, codeMailSubject } from "./code-mail.ts";
import { describeDevice } from "./device-label.ts";
import { maskEmail } from "./email-address.ts";
import { codeHmac, codeMatches, generateCode, hashToken, normalizeCodeInput } from "./email-code.ts";
import {
  CodeExpiredError,
  InvalidCodeError,
  InvalidCredentialsError,
  InvalidInputError,
  TooManyCodeAttemptsError,
} from "./errors.ts";
import { LOGIN_ID_PATTERN, MAX_CODE_ATTEMPTS, MAX_PASSWORD_LENGTH, PREAUTH_TOKEN_BYTES } from "./limits.ts";
import { normalizeLoginId, normalizePassword } from "./credentials.ts";

export interface LoginSettings {
  codeTtlSeconds: number;
  /** HMAC key for stored codes (config secret). */
  codeKey: Buffer;
  brand: Brand;
}

export interface LoginServiceDeps {
  customers: CustomerStore;
  challenges: ChallengeStore;
  sessions: SessionService;
  hasher: PasswordHasher;
  clock: Clock;
  random: Random;
  outbox: OutboxNotifier;
  settings: LoginSettings;
  /** An argon2id hash of a random password, verified for unknown IDs so they cost the same time. */
  dummyHash: string;
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
 * The login flow (DESIGN §2): password, then the emailed 6-digit code.
 */
export class LoginService {
  private readonly deps: LoginServiceDeps;

  constructor(deps: LoginServiceDeps) {
    this.deps = deps;
  }

  async passwordStep(input: { loginId: string; password: string }, context: RequestContext): Promise<PasswordStepResult> {
    const { customers, hasher, sessions, dummyHash } = this.deps;
    const loginId = normalizeLoginId(input.loginId);
    const password = normalizePassword(input.password);
    if ([...password].length > MAX_PASSWORD_LENGTH) {
      throw new InvalidInputError("password too long");
    }
    const customer = LOGIN_ID_PATTERN.test(loginId) ? await customers.findByLoginId(loginId) : null;
    if (customer === null) {
      // Same work as a wrong password, so response time does not reveal which IDs exist.
      await hasher.verify(dummyHash, password);
      throw new InvalidCredentialsError("unknown login ID");
    }
    if (!(await hasher.verify(customer.passwordHash, password))) {
      throw new InvalidCredentialsError(`wrong password for customer ${customer.id}`);
    }
    if (!customer.mfaEnabled) {
      const sessionToken = await sessions.start(customer.id, AUTH_METHODS_PASSWORD_ONLY, context);
      return { kind: "logged_in", sessionToken, mfaOff: true };
    }
    return this.sendCode(customer, context);
  }

  /** Supersedes the customer's pending codes (seed Q6) and mails a new, different one. */
  private async sendCode(customer: Customer, context: RequestContext): Promise<PasswordStepResult> {
    const { challenges, clock, random, outbox, settings } = this.deps;
    const previous = await challenges.latestForCustomer(customer.id);
    const id = random.id();
    let code = generateCode(random);
    // Seed Q6: "同じ認証コードは再発行されません". The previous code is known only
    // by its HMAC, so test each candidate against it.
    while (previous !== null && codeMatches(settings.codeKey, previous.id, code, previous.codeHmac)) {
      code = generateCode(random);
    }
    const preauthToken = random.token(PREAUTH_TOKEN_BYTES);
    const sentAt = clock.now();
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
      ip: context.ip,
      device: describeDevice(context.userAgent),
      ttlMinutes: Math.round(settings.codeTtlSeconds / 60),
    });
    await challenges.start(challenge, {
      id: random.id(),
      recipient: customer.email,
      subject: codeMailSubject(settings.brand),
      body,
      createdAt: sentAt,
    });
    outbox.notify();
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
    if (customer === null) {
      return null;
    }
    return { maskedEmail: maskEmail(customer.email), sentAt: challenge.sentAt, expiresAt: challenge.expiresAt };
  }

  async codeStep(input: { preauthToken: string | undefined; code: string }, context: RequestContext): Promise<CodeStepResult> {
    const { challenges, customers, sessions, clock, settings } = this.deps;
    if (input.preauthToken === undefined || input.preauthToken === "") {
      throw new InvalidCodeError("no pre-auth token in this browser");
    }
    const challenge = await challenges.findByPreauthHash(hashToken(input.preauthToken));
    if (challenge === null) {
      throw new InvalidCodeError("unknown pre-auth token");
    }
    assertStillPending(challenge);
    if (clock.now() >= challenge.expiresAt) {
      await challenges.markExpired(challenge.id);
      throw new CodeExpiredError(`challenge ${challenge.id} expired`);
    }
    const code = normalizeCodeInput(input.code);
    // A field that is not 6 digits after normalisation is a typo, not a guess: no attempt is counted.
    if (code === null) {
      throw new InvalidCodeError(`malformed code for challenge ${challenge.id}`);
    }
    if (!codeMatches(settings.codeKey, challenge.id, code, challenge.codeHmac)) {
      const outcome = await challenges.recordWrongCode(challenge.id, MAX_CODE_ATTEMPTS);
      if (outcome?.status === "burned") {
        throw new TooManyCodeAttemptsError(`challenge ${challenge.id} burned`);
      }
      throw new InvalidCodeError(`wrong code for challenge ${challenge.id} (attempt ${outcome?.failedAttempts ?? "-"})`);
    }
    const customer = await customers.findById(challenge.customerId);
    if (customer === null) {
      throw new InvalidCodeError(`customer of challenge ${challenge.id} is gone`);
    }
    const prepared = sessions.prepare(customer.id, AUTH_METHODS_PASSWORD_AND_CODE, context);
    // Only one request can move the challenge from pending to used.
    if (!(await challenges.complete(challenge.id, prepared.session, prepared.login))) {
      const latest = await challenges.findByPreauthHash(challenge.preauthHash);
      if (latest !== null) {
        assertStillPending(latest);
      }
      throw new InvalidCodeError(`challenge ${challenge.id} was used concurrently`);
    }
    return { sessionToken: prepared.token, customer };
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
