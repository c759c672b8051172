import { generateAuthenticationOptions } from "@simplewebauthn/server";
import type { PublicKeyCredentialRequestOptionsJSON } from "@simplewebauthn/server";
import type { AuthenticationResponseJSON } from "./passkey-assertion.ts";
import type { PasskeyServiceDeps } from "./passkey-deps.ts";
import type { Customer } from "../kernel/ports.ts";
import type { RequestContext } from "../kernel/request-context.ts";
import type { EnforceRateLimit } from "../kernel/rate-limit.ts";
import { refuseFrozen } from "../login/frozen-refusal.ts";
import { PasskeyRefusedError } from "./passkey-errors.ts";
import { PASSKEY_CHALLENGE_TTL_MS, PREAUTH_TOKEN_BYTES } from "../kernel/limits.ts";
import { Lockout } from "../login/lockout.ts";
import { LoginNotifier } from "../login/login-notifier.ts";
import { verifyAssertion } from "./passkey-assertion.ts";
import { matchesCeremony, startCeremony, takeCeremony } from "./passkey-ceremony.ts";
import { rateLimitsOf } from "../kernel/rate-limit.ts";
import { hashToken } from "../kernel/token-hash.ts";

/**
 * RFC 8176 method references of a passkey login: a hardware-bound key ("hwk") with user
 * verification ("user"), two factors in one ("mfa"): a complete login on its own (issue 13 §2).
 */
export const AUTH_METHODS_PASSKEY = ["hwk", "user", "mfa"];

export interface PasskeyLoginStart {
  options: PublicKeyCredentialRequestOptionsJSON;
  /** For the browser's pre-auth cookie: the challenge is bound to it. */
  preauthToken: string;
}

export interface PasskeyLoginResult {
  sessionToken: string;
  customer: Customer;
  deviceToken: string;
}

/**
 * Logging in with a passkey (issue 13 §2): discoverable (no allowCredentials: the passkey names
 * the customer), user verification required, the challenge bound to a random token in this
 * browser's cookie, taken once, for 5 minutes. A verified assertion is a complete login with the
 * same lockout and freeze answers, rate limits, audit, ログイン履歴 and login notice as any login.
 */
export class PasskeyLogin {
  private readonly deps: PasskeyServiceDeps;
  private readonly lockout: Lockout;
  private readonly limit: EnforceRateLimit;
  private readonly notifier: LoginNotifier;

  constructor(deps: PasskeyServiceDeps) {
    this.deps = deps;
    this.lockout = new Lockout(deps);
    this.limit = rateLimitsOf(deps);
    this.notifier = new LoginNotifier(deps);
  }

  async options(context: RequestContext): Promise<PasskeyLoginStart> {
    // Each request stores a challenge: a flood from one address is refused before it writes.
    await this.limit("passkeyPerIp", context.ip, context);
    const preauthToken = this.deps.random.token(PREAUTH_TOKEN_BYTES);
    const challenge = await startCeremony(this.deps, { purpose: "login", bindingHash: hashToken(preauthToken), customerId: null });
    const options = await generateAuthenticationOptions({
      rpID: this.deps.relyingParty.id,
      challenge: new Uint8Array(Buffer.from(challenge, "base64url")),
      userVerification: "required",
      timeout: PASSKEY_CHALLENGE_TTL_MS,
    });
    return { options, preauthToken };
  }

  async complete(input: { preauthToken: string | undefined; response: AuthenticationResponseJSON; deviceToken?: string }, context: RequestContext): Promise<PasskeyLoginResult> {
    const { customers, sessions } = this.deps;
    await this.limit("passkeyPerIp", context.ip, context);
    if (input.preauthToken === undefined || input.preauthToken === "") {
      throw new PasskeyRefusedError("no passkey pre-auth token in this browser");
    }
    const taken = await takeCeremony(this.deps, { purpose: "login", bindingHash: hashToken(input.preauthToken), customerId: null, context });
    // A failed assertion is not counted toward the lockout: a signature cannot be guessed, and
    // counting would let anyone who saw a credential ID lock its owner out.
    const { passkey } = await verifyAssertion(this.deps, { customerId: null, response: input.response, expectedChallenge: matchesCeremony(taken), context, ceremony: "login" });
    await this.limit("passkeyPerCustomer", passkey.customerId, context, { customerId: passkey.customerId });
    const customer = await customers.findById(passkey.customerId);
    if (customer === null) {
      throw new PasskeyRefusedError(`customer of passkey ${passkey.id} is gone`);
    }
    if (customer.frozenAt !== null) {
      throw await refuseFrozen(this.deps, customer.id, context, "passkey");
    }
    if (customer.lockedAt !== null) {
      throw await this.lockout.refuse(customer.id, context, "passkey");
    }
    const sessionToken = await sessions.start(customer.id, AUTH_METHODS_PASSKEY, context);
    // A completed login: the failure count starts again from zero, as after the code step.
    await customers.resetFailures(customer.id);
    const { deviceToken } = await this.notifier.afterLogin(customer, input.deviceToken, context);
    return { sessionToken, customer, deviceToken };
  }
}
