import { generateRegistrationOptions, verifyRegistrationResponse } from "@simplewebauthn/server";
import type { AuthenticatorTransport, PublicKeyCredentialCreationOptionsJSON, RegistrationResponseJSON } from "@simplewebauthn/server";
import type { PendingCodeView } from "../login/login-challenge.ts";
import type { PasskeyServiceDeps } from "./passkey-deps.ts";
import type { Passkey } from "./ports-passkey.ts";
import type { RequestContext } from "../kernel/request-context.ts";
import type { AuthenticatedSession } from "../login/session.ts";
import { auditCustomerEvent } from "../kernel/audit.ts";
import { InvalidCodeError } from "../kernel/errors.ts";
import { PasskeyRefusedError } from "./passkey-errors.ts";
import { PASSKEY_CHALLENGE_TTL_MS } from "../kernel/limits.ts";
import { noticeMail } from "../mail/notice.ts";
import { matchesCeremony, startCeremony, takeCeremony } from "./passkey-ceremony.ts";
import { refusalReason } from "./passkey-assertion.ts";
import { readableText } from "../kernel/readable-text.ts";
import { buildNotice } from "../mail/notice-kinds.ts";
import { describeRequestOrigin } from "../kernel/request-origin.ts";
import { SessionStepUpCodes } from "../login/session-step-up-codes.ts";
import { hashToken } from "../kernel/token-hash.ts";

// COSE algorithms offered at registration: EdDSA, ES256, RS256, as on every Node before 24. The library
// puts ML-DSA-44 first where the runtime verifies it (Node 24): its 2,420-byte signatures pass no bound of
// ours (passkey-bodies.ts), so post-quantum passkeys wait for their own decision (docs/decisions.md).
const OFFERED_ALGORITHMS = [-8, -7, -257];

export type { PublicKeyCredentialCreationOptionsJSON, RegistrationResponseJSON } from "@simplewebauthn/server";

/**
 * Registering a passkey from the customer area (issue 13 §1): a fresh emailed code, used up when
 * the registration options are handed out; then the authenticator's answer (attestation "none",
 * a discoverable credential, user verification required), checked against the challenge kept for
 * this session, PUBLIC_URL's RP ID and the allowed origins. The passkey and its notice commit together.
 */
export class PasskeyRegistration {
  private readonly deps: PasskeyServiceDeps;
  private readonly codes: SessionStepUpCodes;

  constructor(deps: PasskeyServiceDeps) {
    this.deps = deps;
    this.codes = new SessionStepUpCodes(deps, { purpose: "passkey_registration", bindingOf, notice: "passkey-registration-code", lockedStep: "code" });
  }

  /** Mails a code for registering a passkey to the 重要メール; a newer one supersedes it. */
  async sendCode(current: AuthenticatedSession, context: RequestContext): Promise<PendingCodeView> {
    return this.codes.send(current, context);
  }

  /**
   * The code is checked and used up; the answer is the options for `navigator.credentials.create`,
   * with a challenge kept for this session for PASSKEY_CHALLENGE_TTL_MS, the customer's passkeys excluded.
   */
  async options(current: AuthenticatedSession, input: { code: string }, context: RequestContext): Promise<PublicKeyCredentialCreationOptionsJSON> {
    const { customer } = current;
    // A wrong code counts on it and toward the lockout, as for a password change.
    await this.codes.countTry(current, context);
    const stepUp = await this.codes.check(current, input.code, context);
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
      supportedAlgorithmIDs: OFFERED_ALGORITHMS,
    });
  }

  /** Verifies the authenticator's answer and stores the passkey with `name`; the notice is mailed with it. */
  async register(current: AuthenticatedSession, input: { name: string; response: RegistrationResponseJSON }, context: RequestContext): Promise<Passkey> {
    const { clock, random, outbox, audit, settings, relyingParty } = this.deps;
    const { customer } = current;
    // Checked before the challenge is taken: a typo in the name does not cost the ceremony.
    const name = readableText("passkeyName", input.name);
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
      throw new PasskeyRefusedError(`registration refused: ${refusalReason(message)}`);
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
    const notice = buildNotice("passkey-registered", settings.brand, { at, passkeyCreatedAt: at, ...describeRequestOrigin(context) });
    if (!(await outbox.queueWith(noticeMail(settings.brand, customer, notice, { id: random.id(), createdAt: at }), (stores) => stores.passkeys.add(passkey)))) {
      await auditCustomerEvent(audit, context, "passkey.failed", "refused", customer.id, { ceremony: "registration", reason: "credential_registered_already" });
      throw new PasskeyRefusedError("credential registered already");
    }
    await auditCustomerEvent(audit, context, "passkey.registered", "ok", customer.id, { passkeyId: passkey.id, deviceType: passkey.deviceType, backedUp: passkey.backedUp, aaguid: info.aaguid });
    return passkey;
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
