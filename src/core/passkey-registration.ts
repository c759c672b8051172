import { generateRegistrationOptions, verifyRegistrationResponse } from "@simplewebauthn/server";
import type { AuthenticatorTransport, PublicKeyCredentialCreationOptionsJSON, RegistrationResponseJSON } from "@simplewebauthn/server";
import type { PendingCodeView } from "./login-challenge.ts";
import type { PasskeyServiceDeps } from "./passkey-deps.ts";
import type { Passkey, StepUpCode } from "./ports.ts";
import type { RequestContext } from "./request-context.ts";
import type { AuthenticatedSession } from "./session.ts";
import type { EnforceRateLimit } from "./rate-limit.ts";
import { auditCustomerEvent } from "./audit.ts";
import { codeHmac, codeMatches, generateCode, normalizeCodeInput } from "./email-code.ts";
import { maskEmail } from "./email-address.ts";
import { InvalidCodeError, TooManyCodeAttemptsError } from "./errors.ts";
import { PasskeyRefusedError } from "./passkey-errors.ts";
import { MAX_CODE_ATTEMPTS, PASSKEY_CHALLENGE_TTL_MS } from "./limits.ts";
import { Lockout } from "./lockout.ts";
import { noticeMail } from "./notice.ts";
import { matchesCeremony, startCeremony, takeCeremony } from "./passkey-ceremony.ts";
import { refusalReason } from "./passkey-assertion.ts";
import { checkedPasskeyName } from "./passkey-name.ts";
import { passkeyChangeNotice } from "./passkey-notices.ts";
import { passkeyRegistrationCodeNotice } from "./passkey-registration-code-mail.ts";
import { bindRateLimits } from "./rate-limit.ts";
import { describeRequestOrigin } from "./request-origin.ts";
import { STEP_UP, usableStepUp } from "./step-up-code.ts";
import { hashToken } from "./token-hash.ts";

export type { PublicKeyCredentialCreationOptionsJSON, RegistrationResponseJSON } from "@simplewebauthn/server";

// Enough to recognise the code of a slow earlier mail; the code-mail limit allows 5 in 15 minutes.
const RECENT_CODES_CHECKED = 6;

/**
 * Registering a passkey from the customer area (issue 13 §1): a fresh emailed code, used up when
 * the registration options are handed out; then the authenticator's answer (attestation "none",
 * a discoverable credential, user verification required), checked against the challenge kept for
 * this session, PUBLIC_URL's RP ID and the allowed origins. The passkey and its notice commit together.
 */
export class PasskeyRegistration {
  private readonly deps: PasskeyServiceDeps;
  private readonly lockout: Lockout;
  private readonly limit: EnforceRateLimit;

  constructor(deps: PasskeyServiceDeps) {
    this.deps = deps;
    this.lockout = new Lockout(deps);
    this.limit = bindRateLimits({ limiter: deps.limiter, audit: deps.audit, clock: deps.clock, limits: deps.settings.rateLimits });
  }

  /** Mails a code for registering a passkey to the 重要メール; a newer one supersedes it. */
  async sendCode(current: AuthenticatedSession, context: RequestContext): Promise<PendingCodeView> {
    const { random, clock, settings, outbox, audit } = this.deps;
    const { customer } = current;
    await this.limit("codeMailsPerCustomer", customer.id, context, { customerId: customer.id });
    const sentAt = clock.now();
    const id = random.id();
    const code = generateCode(random);
    const stepUp: StepUpCode = {
      id,
      customerId: customer.id,
      purpose: "passkey_registration",
      bindingHash: bindingOf(current),
      codeHmac: codeHmac(settings.codeKey, id, code),
      status: "pending",
      failedAttempts: 0,
      sentAt,
      expiresAt: sentAt + settings.codeTtlSeconds * 1000,
    };
    const notice = passkeyRegistrationCodeNotice(settings.brand, {
      code,
      sentAt,
      expiresAt: stepUp.expiresAt,
      ttlMinutes: Math.round(settings.codeTtlSeconds / 60),
      ...describeRequestOrigin(context),
    });
    const mail = noticeMail(settings.brand, customer, notice, { id: random.id(), createdAt: sentAt, kind: "code" });
    if (!(await outbox.queueWith(mail, (stores) => stores.stepUps.start(stepUp)))) {
      throw await this.lockout.refuse(customer.id, context, "code");
    }
    await auditCustomerEvent(audit, context, "code.sent", "ok", customer.id, { purpose: "passkey_registration", stepUpId: id });
    return { maskedEmail: maskEmail(customer.email), sentAt, expiresAt: stepUp.expiresAt };
  }

  /**
   * The code is checked and used up; the answer is the options for `navigator.credentials.create`,
   * with a challenge kept for this session for PASSKEY_CHALLENGE_TTL_MS, the customer's passkeys excluded.
   */
  async options(current: AuthenticatedSession, input: { code: string }, context: RequestContext): Promise<PublicKeyCredentialCreationOptionsJSON> {
    const { customer } = current;
    const stepUp = await this.rightCode(current, input.code, context);
    if (!(await this.deps.stepUps.use(stepUp.id))) {
      throw new InvalidCodeError(`step-up ${stepUp.id} was used concurrently`);
    }
    await auditCustomerEvent(this.deps.audit, context, "code.used", "ok", customer.id, { purpose: "passkey_registration", stepUpId: stepUp.id });
    const challenge = await startCeremony(this.deps, { purpose: "registration", bindingHash: bindingOf(current), customerId: customer.id });
    const existing = await this.deps.passkeys.listForCustomer(customer.id);
    const { relyingParty } = this.deps;
    return generateRegistrationOptions({
      rpName: relyingParty.name,
      rpID: relyingParty.id,
      // The row ID: random, and nothing about the customer (WebAuthn §14.6.1: no personal data in user.id).
      userID: new TextEncoder().encode(customer.id),
      userName: customer.loginId,
      userDisplayName: customer.name,
      challenge: new Uint8Array(Buffer.from(challenge, "base64url")),
      timeout: PASSKEY_CHALLENGE_TTL_MS,
      attestationType: "none",
      excludeCredentials: existing.map((passkey) => ({ id: passkey.credentialId, transports: passkey.transports })),
      authenticatorSelection: { residentKey: "required", requireResidentKey: true, userVerification: "required" },
    });
  }

  /** Verifies the authenticator's answer and stores the passkey with `name`; the notice is mailed with it. */
  async register(current: AuthenticatedSession, input: { name: string; response: RegistrationResponseJSON }, context: RequestContext): Promise<Passkey> {
    const { clock, random, outbox, audit, settings, relyingParty } = this.deps;
    const { customer } = current;
    // Checked before the challenge is taken: a typo in the name does not cost the ceremony.
    const name = checkedPasskeyName(input.name);
    const taken = await takeCeremony(this.deps, { purpose: "registration", bindingHash: bindingOf(current), customerId: customer.id, context });
    let verified: Awaited<ReturnType<typeof verifyRegistrationResponse>>;
    try {
      verified = await verifyRegistrationResponse({
        response: input.response,
        expectedChallenge: matchesCeremony(taken),
        expectedOrigin: [...relyingParty.origins],
        expectedRPID: relyingParty.id,
        expectedType: "webauthn.create",
        requireUserPresence: true,
        requireUserVerification: true,
      });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      await auditCustomerEvent(audit, context, "passkey.failed", "refused", customer.id, { ceremony: "registration", reason: refusalReason(message) });
      throw new PasskeyRefusedError(`registration refused: ${message}`);
    }
    if (!verified.verified) {
      await auditCustomerEvent(audit, context, "passkey.failed", "refused", customer.id, { ceremony: "registration", reason: "bad_signature" });
      throw new PasskeyRefusedError("registration attestation does not verify");
    }
    const info = verified.registrationInfo;
    const at = clock.now();
    const passkey: Passkey = {
      id: random.id(),
      customerId: customer.id,
      credentialId: info.credential.id,
      publicKey: Buffer.from(info.credential.publicKey).toString("base64url"),
      counter: info.credential.counter,
      transports: (info.credential.transports ?? []).filter(isTransport),
      deviceType: info.credentialDeviceType,
      backedUp: info.credentialBackedUp,
      name,
      createdAt: at,
      lastUsedAt: null,
    };
    const notice = passkeyChangeNotice(settings.brand, "registered", { at, passkeyCreatedAt: at, ...describeRequestOrigin(context) });
    if (!(await outbox.queueWith(noticeMail(settings.brand, customer, notice, { id: random.id(), createdAt: at }), (stores) => stores.passkeys.add(passkey)))) {
      await auditCustomerEvent(audit, context, "passkey.failed", "refused", customer.id, { ceremony: "registration", reason: "credential_registered_already" });
      throw new PasskeyRefusedError("credential registered already");
    }
    await auditCustomerEvent(audit, context, "passkey.registered", "ok", customer.id, { passkeyId: passkey.id, deviceType: passkey.deviceType, backedUp: passkey.backedUp, aaguid: info.aaguid });
    return passkey;
  }

  /** The pending code of this session, checked; a wrong one counts on it and toward the lockout (as for a password change). */
  private async rightCode(current: AuthenticatedSession, typed: string, context: RequestContext): Promise<StepUpCode> {
    const { stepUps, clock, settings } = this.deps;
    const { customer } = current;
    await this.limit("codePerCustomer", customer.id, context, { customerId: customer.id });
    const recent = (await stepUps.recentBound("passkey_registration", bindingOf(current), RECENT_CODES_CHECKED)).filter((stepUp) => stepUp.customerId === customer.id);
    const stepUp = usableStepUp(recent[0] ?? null, clock.now());
    const code = normalizeCodeInput(typed);
    if (code === null) {
      throw new InvalidCodeError(`malformed code for step-up ${stepUp.id}`);
    }
    if (!codeMatches(settings.codeKey, stepUp.id, code, stepUp.codeHmac)) {
      const older = recent.slice(1).some((earlier) => earlier.status === "superseded" && codeMatches(settings.codeKey, earlier.id, code, earlier.codeHmac));
      await this.wrongCode(stepUp, context, { newerCodeSent: older });
    }
    return stepUp;
  }

  private async wrongCode(stepUp: StepUpCode, context: RequestContext, options: { newerCodeSent: boolean }): Promise<never> {
    const outcome = await this.deps.stepUps.recordWrongCode(stepUp.id, MAX_CODE_ATTEMPTS);
    await auditCustomerEvent(this.deps.audit, context, "code.failed", "refused", stepUp.customerId, { purpose: stepUp.purpose, attempt: outcome?.failedAttempts ?? null });
    await this.lockout.countFailure(stepUp.customerId, context, "code");
    if (outcome?.status === "burned") {
      await auditCustomerEvent(this.deps.audit, context, "code.burned", "refused", stepUp.customerId, { purpose: stepUp.purpose });
      throw new TooManyCodeAttemptsError(`step-up ${stepUp.id} burned`, STEP_UP);
    }
    throw new InvalidCodeError(`wrong code for step-up ${stepUp.id}`, options);
  }
}

const TRANSPORTS: readonly string[] = ["ble", "cable", "hybrid", "internal", "nfc", "smart-card", "usb"];

function isTransport(value: string): value is AuthenticatorTransport {
  return TRANSPORTS.includes(value);
}

/** The registration's code and challenge are bound to the session that asked, by a hash of its stored hash. */
export function bindingOf(current: AuthenticatedSession): string {
  return hashToken(`passkey\u0000${current.session.idHash}`);
}
