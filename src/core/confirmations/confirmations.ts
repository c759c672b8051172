import type { LoginDeps } from "../login/login-deps.ts";
import type { Confirmation, ConfirmationPasskeys, ConfirmationSigner, ConfirmationStore, PublicJwk, TradingPinCheck } from "./ports-confirmation.ts";
import type { StepUpStore } from "../login/ports-account.ts";
import type { ConfirmationMethod, ConfirmationPolicy } from "./confirmation-policy.ts";
import type { OperationType } from "./confirmation-operation.ts";
import type { RequestContext } from "../kernel/request-context.ts";
import type { AuthenticatedSession } from "../login/session.ts";
import { auditCustomerEvent } from "../kernel/audit.ts";
import { ConfirmationCode } from "./confirmation-code.ts";
import { refuseDuringEmailHold } from "../kernel/email-hold.ts";
import { ConfirmationUnusableError, PasskeyNeededError } from "./confirmation-errors.ts";
import { canonicalOperation, checkedOperation, operationSha256, passkeyChallenge } from "./confirmation-operation.ts";
import { requiredMethods } from "./confirmation-policy.ts";
import { InvalidInputError } from "../kernel/errors.ts";
import { CONFIRMATION_TOKEN_TTL_SECONDS, CONFIRMATION_TTL_SECONDS } from "../kernel/limits.ts";
import { summarizeOperation } from "./operation-summary.ts";

/** The confirmations' configuration (CONFIRMATION_*, PASSKEY_REQUIRED_FOR_WITHDRAWALS_FROM). */
export interface ConfirmationSettings {
  /** The token's `iss`: PUBLIC_URL. */
  issuer: string;
  /** The token's `aud`: CONFIRMATION_AUDIENCE (okb-trading). */
  audience: string;
  policy: ConfirmationPolicy;
  /** From this moment on (epoch ms) withdrawals and account changes need a passkey; null: no date published. */
  passkeyRequiredFrom: number | null;
}

export interface ConfirmationsDeps extends LoginDeps {
  stepUps: StepUpStore;
  confirmations: ConfirmationStore;
  signer: ConfirmationSigner;
  /** Named apart from LoginDeps' fields: the trading PIN and the passkeys as a confirmation checks them. */
  pinCheck: TradingPinCheck;
  passkeyCheck: ConfirmationPasskeys;
  confirmation: ConfirmationSettings;
}

/** What the customer's app shows to have the operation confirmed. */
export interface StartedConfirmation {
  id: string;
  required: ConfirmationMethod[];
  /** The Japanese one-line description the customer confirms (「買付 7203 100株 成行」). */
  summary: string;
  expiresAt: number;
  /** PublicKeyCredentialRequestOptionsJSON over the operation's challenge, when a passkey is required. */
  passkeyOptions: unknown;
}

/** What the customer answers with: the trading PIN always, the code and the passkey's assertion as required. */
export interface ConfirmationAnswer {
  pin: string;
  code?: string;
  passkeyResponse?: unknown;
}

// RFC 8176 method references: pin, otp (the emailed code), hwk + user (a user-verified passkey).
const AMR: Record<ConfirmationMethod, string[]> = { pin: ["pin"], code: ["otp"], passkey: ["hwk", "user"] };

/**
 * Operation-bound confirmation for the trading site (issue 13 §5, §6, DESIGN §5a). The trading
 * site's order is confirmed by the customer with what the policy asks for this operation, and
 * okb-login answers with a 60-second ES256 token bound to the operation's SHA-256, which the
 * trading site verifies offline against /.well-known/jwks.json. One confirmation, one token.
 */
export class Confirmations {
  private readonly deps: ConfirmationsDeps;
  private readonly code: ConfirmationCode;

  constructor(deps: ConfirmationsDeps) {
    this.deps = deps;
    this.code = new ConfirmationCode(deps);
  }

  /** Checks the operation ([4000]), decides what the customer must use, stores it; mails the code at once when one is required. */
  async start(current: AuthenticatedSession, input: unknown, context: RequestContext): Promise<StartedConfirmation> {
    const { clock, random, audit, passkeyCheck: passkeys, confirmations, confirmation: settings } = this.deps;
    const { customer } = current;
    const operation = checkedOperation(input);
    const canonical = canonicalOperation(operation);
    const now = clock.now();
    const hasPasskey = await passkeys.hasPasskey(customer.id);
    const required = requiredMethods(settings.policy, operation.type, {
      hasPasskey,
      passkeyScheduleReached: settings.passkeyRequiredFrom !== null && now >= settings.passkeyRequiredFrom,
    });
    if (required === null) {
      await auditCustomerEvent(audit, context, "confirmation.refused", "refused", customer.id, { type: operation.type, reason: "passkey_needed" });
      throw new PasskeyNeededError(`customer ${customer.id} has no passkey for a ${operation.type}`);
    }
    const needsCode = required.includes("code");
    // Issue 17 item 2: a withdrawal or bank-account change by emailed code waits out the hold after a
    // 重要メール change (a passkey still works); [5126], audited, nothing stored.
    if (needsCode && operation.type !== "trade") {
      try {
        refuseDuringEmailHold(customer, now, this.deps.settings.brand.callCenterPhone);
      } catch (error) {
        await auditCustomerEvent(audit, context, "confirmation.refused", "refused", customer.id, { type: operation.type, reason: "email_recently_changed" });
        throw error;
      }
    }
    const summary = summarizeOperation(operation);
    const confirmation: Confirmation = {
      id: random.id(),
      customerId: customer.id,
      type: operation.type,
      operation: canonical,
      opSha256: operationSha256(canonical),
      nonce: random.token(32),
      required,
      state: "pending",
      createdAt: now,
      expiresAt: now + (needsCode ? this.deps.settings.codeTtlSeconds : CONFIRMATION_TTL_SECONDS) * 1000,
      issuedAt: null,
      stepUpId: null,
    };
    let stepUpId: string | null = null;
    if (needsCode) {
      stepUpId = await this.code.storeWithCode(customer, confirmation, summary.mail, context);
    } else {
      await confirmations.create(confirmation);
    }
    const passkeyOptions = required.includes("passkey") ? await passkeys.requestOptions(customer.id, passkeyChallenge(confirmation.nonce, canonical)) : null;
    await auditCustomerEvent(audit, context, "confirmation.created", "ok", customer.id, {
      confirmationId: confirmation.id,
      type: operation.type,
      opSha256: confirmation.opSha256,
      required: required.join(","),
      stepUpId,
    });
    return { id: confirmation.id, required, summary: summary.ja, expiresAt: confirmation.expiresAt, passkeyOptions };
  }

  /**
   * The customer's answer: the PIN ([5142]/[5143]), then the code or the passkey as required;
   * then pending → issued in one statement and the token. Unknown, another customer's, expired
   * or issued already: [5141]. A wrong PIN or code leaves the confirmation pending.
   */
  async confirm(current: AuthenticatedSession, id: string, answer: ConfirmationAnswer, context: RequestContext): Promise<{ token: string; expiresAt: number }> {
    const { clock, pinCheck: pins, passkeyCheck: passkeys, confirmations, signer, audit, customers, confirmation: settings } = this.deps;
    const { customer } = current;
    const confirmation = await this.usable(customer.id, id, context);
    if (confirmation.required.includes("code") && answer.code === undefined) {
      throw new InvalidInputError(`confirmation ${id} needs the emailed code`);
    }
    if (confirmation.required.includes("passkey") && answer.passkeyResponse === undefined) {
      throw new InvalidInputError(`confirmation ${id} needs a passkey assertion`);
    }
    await pins.verify(customer.id, answer.pin, context);
    if (confirmation.required.includes("code")) {
      await this.code.check(confirmation, answer.code ?? "", context);
    }
    if (confirmation.required.includes("passkey")) {
      await passkeys.verify(customer.id, answer.passkeyResponse, passkeyChallenge(confirmation.nonce, confirmation.operation), context);
    }
    const now = clock.now();
    const iat = Math.floor(now / 1000);
    const amr = confirmation.required.flatMap((method) => AMR[method]);
    // Signed before the row is spent, so a signer failure leaves the confirmation usable.
    const token = await signer.sign({
      iss: settings.issuer,
      aud: settings.audience,
      sub: customer.loginId,
      jti: confirmation.id,
      iat,
      exp: iat + CONFIRMATION_TOKEN_TTL_SECONDS,
      op_sha256: confirmation.opSha256,
      amr,
    });
    if (!(await confirmations.issue(confirmation.id, now))) {
      throw await this.refuse(customer.id, context, confirmation, "issued_meanwhile");
    }
    if (confirmation.required.includes("code")) {
      // The emailed code was proven, as after a completed login: the failure count starts again.
      await customers.resetFailures(customer.id);
    }
    await auditCustomerEvent(audit, context, "confirmation.issued", "ok", customer.id, {
      confirmationId: confirmation.id,
      type: confirmation.type,
      opSha256: confirmation.opSha256,
      amr: amr.join(","),
    });
    return { token, expiresAt: (iat + CONFIRMATION_TOKEN_TTL_SECONDS) * 1000 };
  }

  /** The public keys of `/.well-known/jwks.json`: the current one and the previous ones still published. */
  jwks(): { keys: PublicJwk[] } {
    return { keys: [...this.deps.signer.publicKeys()] };
  }

  /** The customer's own confirmation, pending and not expired; otherwise [5141], audited. */
  private async usable(customerId: string, id: string, context: RequestContext): Promise<Confirmation> {
    const found = await this.deps.confirmations.findById(id);
    if (found === null || found.customerId !== customerId) {
      // Another customer's is answered as an unknown one: a confirmation ID tells nothing.
      throw await this.refuse(customerId, context, null, found === null ? "unknown" : "another_customer");
    }
    if (found.state !== "pending") {
      throw await this.refuse(customerId, context, found, "issued_already");
    }
    if (this.deps.clock.now() >= found.expiresAt) {
      throw await this.refuse(customerId, context, found, "expired");
    }
    return found;
  }

  private async refuse(customerId: string, context: RequestContext, confirmation: Confirmation | null, reason: string): Promise<ConfirmationUnusableError> {
    const detail: Record<string, string | null> = { reason, confirmationId: confirmation?.id ?? null, type: (confirmation?.type ?? null) satisfies OperationType | null };
    await auditCustomerEvent(this.deps.audit, context, "confirmation.refused", "refused", customerId, detail);
    return new ConfirmationUnusableError(`confirmation ${confirmation?.id ?? "?"} of customer ${customerId}: ${reason}`);
  }
}
