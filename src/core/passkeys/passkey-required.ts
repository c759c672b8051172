import type { PublicKeyCredentialRequestOptionsJSON } from "@simplewebauthn/server";
import type { AuthenticationResponseJSON } from "./passkey-assertion.ts";
import type { PasskeyServiceDeps } from "./passkey-deps.ts";
import type { Passkey } from "./ports-passkey.ts";
import type { RequestContext } from "../kernel/request-context.ts";
import type { AuthenticatedSession } from "../login/session.ts";
import type { EnforceRateLimit } from "../kernel/rate-limit.ts";
import { auditCustomerEvent } from "../kernel/audit.ts";
import { passkeyActionRefused } from "./passkey-errors.ts";
import { noticeMail } from "../mail/notice.ts";
import { hasPasskey, passkeyRequestOptions, verifyAssertion } from "./passkey-assertion.ts";
import { matchesCeremony, startCeremony, takeCeremony } from "./passkey-ceremony.ts";
import { buildNotice } from "../mail/notice-kinds.ts";
import { bindingOf } from "./passkey-registration.ts";
import { rateLimitsOf } from "../kernel/rate-limit.ts";
import { describeRequestOrigin } from "../kernel/request-origin.ts";

/**
 * Whether turning パスキー必須 on would stake every login on one device (issue 21 item 6):
 * the customer's only passkey is not synced (the page's 「登録した端末のみ」; a single-device
 * credential is never backed up). The page warns and offers a second passkey first; it is still
 * allowed.
 */
export function restsOnOneDevice(passkeys: readonly Pick<Passkey, "backedUp">[]): boolean {
  return passkeys.length === 1 && passkeys[0]?.backedUp === false;
}

/**
 * パスキー必須 (issue 13 §3): a customer with a passkey makes it the only way in; the password
 * step then answers [5104]. Turning it on AND off needs a passkey assertion over options of this
 * session (allowCredentials: the customer's passkeys): a stolen session alone can neither lock the
 * customer out nor quietly lower the protection. A customer who lost the passkey calls the call
 * center (a security request, security-requests.ts).
 */
export class PasskeyRequired {
  private readonly deps: PasskeyServiceDeps;
  private readonly limit: EnforceRateLimit;

  constructor(deps: PasskeyServiceDeps) {
    this.deps = deps;
    this.limit = rateLimitsOf(deps);
  }

  isOn(current: AuthenticatedSession): Promise<boolean> {
    return this.deps.passkeys.isRequired(current.customer.id);
  }

  /** Options for the assertion that confirms the change; [4000] `no_passkey` for a customer without one. */
  async options(current: AuthenticatedSession): Promise<PublicKeyCredentialRequestOptionsJSON> {
    const customerId = current.customer.id;
    if (!(await hasPasskey(this.deps, customerId))) {
      throw passkeyActionRefused("no_passkey", `customer ${customerId} has no passkey`);
    }
    const challenge = await startCeremony(this.deps, { purpose: "passkey_required", bindingHash: bindingOf(current), customerId });
    return passkeyRequestOptions(this.deps, { customerId, challenge });
  }

  /** Sets パスキー必須 after a verified assertion of one of the customer's passkeys; setting what is already set changes nothing and mails nothing. */
  async set(current: AuthenticatedSession, input: { enabled: boolean; response: AuthenticationResponseJSON }, context: RequestContext): Promise<void> {
    const { passkeys, clock, random, outbox, settings, audit } = this.deps;
    const customer = current.customer;
    await this.limit("passkeyPerCustomer", customer.id, context, { customerId: customer.id });
    const taken = await takeCeremony(this.deps, { purpose: "passkey_required", bindingHash: bindingOf(current), customerId: customer.id, context });
    await verifyAssertion(this.deps, { customerId: customer.id, response: input.response, expectedChallenge: matchesCeremony(taken), context, ceremony: "passkey_required" });
    const at = clock.now();
    const notice = buildNotice(input.enabled ? "passkey-required-on" : "passkey-required-off", settings.brand, { at, ...describeRequestOrigin(context) });
    const changed = await outbox.queueWith(noticeMail(settings.brand, customer, notice, { id: random.id(), createdAt: at }), (stores) => stores.passkeys.setRequired(customer.id, input.enabled));
    if (changed) {
      await auditCustomerEvent(audit, context, input.enabled ? "passkey_required.enabled" : "passkey_required.disabled", "ok", customer.id, { by: "customer" });
    } else if ((await passkeys.isRequired(customer.id)) !== input.enabled) {
      throw new Error(`passkey required of customer ${customer.id} could not be set`);
    }
  }
}
