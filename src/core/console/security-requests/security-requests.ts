import type { Brand } from "../../kernel/brand.ts";
import type { Clock, Customer, CustomerStore, MailOutbox, Random } from "../../kernel/ports.ts";
import type { AuditEvent, AuditEventName, AuditLog } from "../../kernel/ports-audit.ts";
import type { PasskeyStore } from "../../passkeys/ports-passkey.ts";
import type { SecurityRequest, SecurityRequestKind, SecurityRequestState, SecurityRequestStore } from "./ports-security-requests.ts";
import type { Notice } from "../../mail/notice.ts";
import type { OperatorAction } from "../operator-action.ts";
import type { EmailVerifications } from "./email-verification.ts";
import type { EffectDetail } from "./security-request-effects.ts";
import { auditOperatorAction } from "../operator-action.ts";
import { customerForAction, withCheckedReason } from "../console-customer.ts";
import { NotFoundError } from "../../kernel/errors.ts";
import { normalizeLoginId } from "../../kernel/credentials.ts";
import { maskEmail } from "../../kernel/email-address.ts";
import { toSecurityRequestItem } from "./security-request-item.ts";
import type { SecurityRequestDecision, SecurityRequestItem } from "./security-request-item.ts";
import { operatorActionRefused } from "../console-errors.ts";
import { decisionRefusal, refuseNonSupervisor, whyNotPending } from "./security-request-refusals.ts";
import { SECURITY_REQUEST_TTL_MS } from "../../kernel/limits.ts";
import { noticeMail } from "../../mail/notice.ts";
import { checkedNewEmail } from "./email-change.ts";
import { applySecurityRequest, effectMails } from "./security-request-effects.ts";
import { buildNotice } from "../../mail/notice-kinds.ts";

export interface SecurityRequestsDeps {
  customers: CustomerStore;
  requests: SecurityRequestStore;
  passkeys: Pick<PasskeyStore, "isRequired">;
  verifications: EmailVerifications;
  outbox: MailOutbox;
  audit: AuditLog;
  clock: Clock;
  random: Random;
  brand: Brand;
  /** SECURITY_CHANGE_DELAY_HOURS: from approval to effect, and the recovery hold after a 重要メール change. */
  delayHours: number;
}

const LIST_LIMIT = 200;
// Approved requests made effective per sweep; the next sweep takes the rest.
const SWEEP_BATCH = 50;

/**
 * Security requests (issue 17 item 2, DESIGN §5): turning MFA off, changing the 重要メール and
 * turning パスキー必須 off. Any operator requests; the current 重要メール is told at once what was
 * asked and how to stop it; a supervisor other than the requester approves ([4031] for an agent
 * or the requester) or rejects; the change takes effect `delayHours` after approval (at approval
 * when 0), applied by `applyDue` exactly once whichever instance runs it; any operator cancels a
 * pending or waiting request. Until then the customer's state is untouched, so every read shows
 * the old one. Each step is audited with the operator and the reason.
 */
export class SecurityRequests {
  private readonly deps: SecurityRequestsDeps;

  constructor(deps: SecurityRequestsDeps) {
    this.deps = deps;
  }

  /** MFA off. [4000] `mfa_already_off`, `request_pending`; [4040] for an unknown ID. */
  async requestMfaOff(loginId: string, action: OperatorAction): Promise<{ requestId: string }> {
    const checked = withCheckedReason(action);
    const customer = await customerForAction(this.deps.customers, loginId);
    if (!customer.mfaEnabled) {
      throw operatorActionRefused("mfa_already_off", `customer ${customer.id}: MFA is off already`);
    }
    return this.create("mfa_off", customer, checked, null);
  }

  /** パスキー必須 off (a lost phone), once the caller's identity was checked. [4000] `identity_not_checked`, `passkey_not_required`, `request_pending`. */
  async requestPasskeyRequiredOff(loginId: string, action: OperatorAction, check: { identityChecked: boolean }): Promise<{ requestId: string }> {
    const checked = withCheckedReason(action);
    if (check.identityChecked !== true) {
      throw operatorActionRefused("identity_not_checked", "passkey-required-off request without identityChecked: true");
    }
    const customer = await customerForAction(this.deps.customers, loginId);
    if (!(await this.deps.passkeys.isRequired(customer.id))) {
      throw operatorActionRefused("passkey_not_required", `customer ${customer.id}: passkey not required`);
    }
    return this.create("passkey_required_off", customer, checked, null);
  }

  /**
   * A new 重要メール, verified: `code` is the one mailed to `email` at this operator's request
   * (email-verification.ts); a wrong, expired or used code is refused ([5121]/[5122]) and no
   * request is written; the code is used up with the request in one transaction.
   */
  async requestEmailChange(loginId: string, input: { email: string; code: string }, action: OperatorAction): Promise<{ requestId: string }> {
    const checked = withCheckedReason(action);
    const customer = await customerForAction(this.deps.customers, loginId);
    const email = checkedNewEmail(customer, input.email);
    const verification = await this.deps.verifications.checkCode(customer, checked.operator.id, email, input.code);
    return this.create("email_change", customer, checked, email, verification.id);
  }

  /** Requests in `state` (of `kind` when given), newest first. */
  async list(query: { state: SecurityRequestState; kind?: SecurityRequestKind }): Promise<SecurityRequestItem[]> {
    const rows = await this.deps.requests.list({ state: query.state, kind: query.kind, now: this.deps.clock.now(), limit: LIST_LIMIT });
    return rows.map(toSecurityRequestItem);
  }

  /** The customer's open requests (pending, or approved and waiting); none for an unknown ID. */
  async openFor(loginId: string): Promise<SecurityRequestItem[]> {
    const customer = await this.deps.customers.findByLoginId(normalizeLoginId(loginId));
    if (customer === null) {
      return [];
    }
    return (await this.deps.requests.openForCustomer(customer.id, this.deps.clock.now())).map(toSecurityRequestItem);
  }

  /**
   * A supervisor other than the requester approves: the request waits until approval + delay
   * (the customer is told when) or, with no delay, takes effect now with its notices, in one
   * transaction. [4031] for an agent or the requester; [4000] `request_decided`/`request_expired`; of two racing, one wins.
   */
  async approve(requestId: string, action: OperatorAction): Promise<SecurityRequestDecision> {
    const checked = withCheckedReason(action);
    const { request, customer } = await this.decidable(requestId, checked);
    const now = this.deps.clock.now();
    const effectiveAt = now + this.delayMs();
    const decision = { by: checked.operator.id, at: now, reason: checked.reason, effectiveAt };
    const outcome: { effect: EffectDetail | null } = { effect: null };
    const immediate = effectiveAt <= now;
    const mails = immediate ? effectMails(this.deps, request, customer, now) : [this.mail(customer, buildNotice("security-request-approved", this.deps.brand, { request: request.kind, at: now, effectiveAt }))];
    const approved = await this.deps.outbox.queueWith(mails, async (stores) => {
      if (!(await stores.securityRequests.approve(request.id, decision))) {
        return false;
      }
      if (immediate) {
        outcome.effect = await applySecurityRequest(stores, request, customer, now, this.delayMs());
        return outcome.effect !== null;
      }
      return true;
    });
    if (!approved) {
      throw await this.whyNotPending(request.id);
    }
    await auditOperatorAction(this.deps.audit, checked, { event: "security_request.approved", outcome: "ok", customerId: customer.id, detail: { requestId: request.id, kind: request.kind, requestedBy: request.requestedBy, effectiveAt } });
    if (outcome.effect !== null) {
      await this.auditEffective(request, outcome.effect);
    }
    return { id: request.id, kind: request.kind, state: immediate ? "effective" : "approved", effectiveAt };
  }

  /** A supervisor other than the requester rejects a pending request: nothing changes, the customer is told. Refused as `approve` is. */
  async reject(requestId: string, action: OperatorAction): Promise<SecurityRequestDecision> {
    const checked = withCheckedReason(action);
    const { request, customer } = await this.decidable(requestId, checked);
    const now = this.deps.clock.now();
    const mail = this.mail(customer, buildNotice("security-request-closed", this.deps.brand, { request: request.kind, at: now }));
    if (!(await this.deps.outbox.queueWith(mail, (stores) => stores.securityRequests.reject(request.id, { by: checked.operator.id, at: now, reason: checked.reason })))) {
      throw await this.whyNotPending(request.id);
    }
    await auditOperatorAction(this.deps.audit, checked, { event: "security_request.rejected", outcome: "ok", customerId: customer.id, detail: { requestId: request.id, kind: request.kind, requestedBy: request.requestedBy } });
    return { id: request.id, kind: request.kind, state: "rejected", effectiveAt: null };
  }

  /**
   * Any operator (the customer called: 「心当たりがない」) cancels a pending or approved-and-waiting
   * request; nothing changes, the customer is told. [4000] `request_closed` once it took effect,
   * was rejected, cancelled or expired.
   */
  async cancel(requestId: string, action: OperatorAction): Promise<SecurityRequestDecision> {
    const checked = withCheckedReason(action);
    const now = this.deps.clock.now();
    const request = await this.find(requestId);
    const customer = await this.customerOf(request);
    const mail = this.mail(customer, buildNotice("security-request-closed", this.deps.brand, { request: request.kind, at: now }));
    if (!(await this.deps.outbox.queueWith(mail, (stores) => stores.securityRequests.cancel(request.id, { by: checked.operator.id, at: now, reason: checked.reason })))) {
      throw operatorActionRefused("request_closed", `request ${request.id} is not open`);
    }
    await auditOperatorAction(this.deps.audit, checked, { event: "security_request.cancelled", outcome: "ok", customerId: customer.id, detail: { requestId: request.id, kind: request.kind, requestedBy: request.requestedBy, state: request.state } });
    return { id: request.id, kind: request.kind, state: "cancelled", effectiveAt: request.effectiveAt };
  }

  /**
   * Makes every approved request whose time has come effective, each with its notices in one
   * transaction that first moves it approved → effective (so two instances sweeping at once
   * apply it once). A 重要メール change that finds the address changed meanwhile is cancelled by
   * the system. Returns how many took effect. Each instance runs this periodically.
   */
  async applyDue(): Promise<number> {
    const now = this.deps.clock.now();
    let applied = 0;
    for (const request of await this.deps.requests.due(now, SWEEP_BATCH)) {
      const customer = await this.deps.customers.findById(request.customerId);
      if (customer === null) {
        continue;
      }
      const outcome: { effect: EffectDetail | null } = { effect: null };
      await this.deps.outbox.queueWith(effectMails(this.deps, request, customer, now), async (stores) => {
        outcome.effect = await applySecurityRequest(stores, request, customer, now, this.delayMs());
        return outcome.effect !== null;
      });
      if (outcome.effect !== null) {
        applied += 1;
        await this.auditEffective(request, outcome.effect);
      } else {
        await this.cancelBySystem(request, customer, now);
      }
    }
    return applied;
  }

  /** A due request that can no longer apply: cancelled with its 「行いませんでした」 notice in one transaction, audited with the system as actor; nothing if no longer approved. */
  private async cancelBySystem(request: SecurityRequest, customer: Customer, now: number): Promise<void> {
    const reason = "the customer's state changed meanwhile";
    // To the address as it is now: the one read before may be the one that changed.
    const current = (await this.deps.customers.findById(customer.id)) ?? customer;
    const mail = this.mail(current, buildNotice("security-request-closed", this.deps.brand, { request: request.kind, at: now }));
    if (!(await this.deps.outbox.queueWith(mail, (stores) => stores.securityRequests.cancel(request.id, { by: null, at: now, reason })))) {
      return;
    }
    await this.auditBySystem("security_request.cancelled", request, { state: request.state, reason });
  }

  private delayMs(): number {
    return this.deps.delayHours * 60 * 60 * 1000;
  }

  private async create(kind: SecurityRequestKind, customer: Customer, action: OperatorAction, newEmail: string | null, verificationId?: string): Promise<{ requestId: string }> {
    const now = this.deps.clock.now();
    const requestId = this.deps.random.id();
    const request = { id: requestId, kind, customerId: customer.id, requestedBy: action.operator.id, reason: action.reason, createdAt: now, expiresAt: now + SECURITY_REQUEST_TTL_MS, newEmail };
    const mail = this.mail(customer, buildNotice("security-request-received", this.deps.brand, { request: kind, at: now, delayHours: this.deps.delayHours }));
    const used = { verification: true };
    const created = await this.deps.outbox.queueWith(mail, async (stores) => {
      if (verificationId !== undefined) {
        used.verification = await stores.emailVerifications.use(verificationId);
        if (!used.verification) {
          return false;
        }
      }
      return stores.securityRequests.create(request);
    });
    if (!created) {
      if (!used.verification) {
        throw this.deps.verifications.replayed(customer.id);
      }
      throw operatorActionRefused("request_pending", `customer ${customer.id}: a ${kind} request is open already`);
    }
    const detail = { requestId, kind, ...(newEmail === null ? {} : { newEmail: maskEmail(newEmail) }) };
    await auditOperatorAction(this.deps.audit, action, { event: "security_request.requested", outcome: "ok", customerId: customer.id, detail });
    return { requestId };
  }

  private auditEffective(request: SecurityRequest, effect: EffectDetail): Promise<void> {
    return this.auditBySystem("security_request.effective", request, { approvedBy: request.decidedBy, ...effect });
  }

  /** What the sweep did on its own to a request: actor "system", no request address, the request's ID as the request ID. */
  private auditBySystem(event: AuditEventName, request: SecurityRequest, detail: AuditEvent["detail"]): Promise<void> {
    return this.deps.audit.record({
      event,
      outcome: "ok",
      customerId: request.customerId,
      actor: "system",
      ip: "",
      userAgent: "",
      requestId: request.id,
      detail: { requestId: request.id, kind: request.kind, requestedBy: request.requestedBy, ...detail },
    });
  }

  private async find(requestId: string): Promise<SecurityRequest> {
    const request = await this.deps.requests.findById(requestId, this.deps.clock.now());
    if (request === null) {
      throw new NotFoundError(`no security request ${JSON.stringify(requestId.slice(0, 80))}`, { what: "request" });
    }
    return request;
  }

  private async customerOf(request: SecurityRequest): Promise<Customer> {
    const customer = await this.deps.customers.findById(request.customerId);
    if (customer === null) {
      throw new NotFoundError(`customer ${request.customerId} of request ${request.id} is gone`, { what: "customer" });
    }
    return customer;
  }

  /** The request and its customer, if `action`'s operator may decide it now; else the refusal. */
  private async decidable(requestId: string, action: OperatorAction): Promise<{ request: SecurityRequest; customer: Customer }> {
    refuseNonSupervisor(action.operator);
    const request = await this.find(requestId);
    const refusal = decisionRefusal(request, action.operator);
    if (refusal !== null) {
      throw refusal;
    }
    return { request, customer: await this.customerOf(request) };
  }

  /** Why a decision wrote nothing (security-request-refusals.ts), from the request read again. */
  private async whyNotPending(requestId: string): Promise<ReturnType<typeof whyNotPending>> {
    return whyNotPending(requestId, await this.deps.requests.findById(requestId, this.deps.clock.now()));
  }

  private mail(customer: Customer, notice: Notice): ReturnType<typeof noticeMail> {
    return noticeMail(this.deps.brand, customer, notice, { id: this.deps.random.id(), createdAt: this.deps.clock.now() });
  }
}
