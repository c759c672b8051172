import type { Brand } from "./brand.ts";
import type { AuditLog, Clock, Customer, CustomerStore, MailOutbox, MfaOffRequest, MfaOffRequestListing, MfaOffRequestState, MfaOffRequestStore, Random } from "./ports.ts";
import type { Notice } from "./notice.ts";
import type { OperatorAction } from "./operator-action.ts";
import { auditOperatorAction } from "./operator-action.ts";
import { customerForAction, withCheckedReason } from "./console-customer.ts";
import { NotFoundError } from "./errors.ts";
import { normalizeLoginId } from "./credentials.ts";
import { OperatorActionRefusedError, OperatorForbiddenError } from "./console-errors.ts";
import { MFA_OFF_REQUEST_TTL_MS } from "./limits.ts";
import { noticeMail } from "./notice.ts";
import { mfaOffRequestNotice } from "./mfa-off-request-notice.ts";
import { mfaOffNotice } from "./mfa-off-notice.ts";
import { mfaOffRejectedNotice } from "./mfa-off-rejected-notice.ts";

export interface MfaOffRequestsDeps {
  customers: CustomerStore;
  requests: MfaOffRequestStore;
  outbox: MailOutbox;
  audit: AuditLog;
  clock: Clock;
  random: Random;
  brand: Brand;
}

/** A request as the console lists it. */
export interface MfaOffRequestItem {
  id: string;
  loginId: string;
  customerName: string;
  /** The requesting operator's login ID. */
  requestedBy: string;
  reason: string;
  createdAt: number;
  expiresAt: number;
  state: MfaOffRequestState;
}

/** At most this many requests in one list (pending ones are few: one per customer, 24 hours). */
const LIST_LIMIT = 200;

function toItem(row: MfaOffRequestListing): MfaOffRequestItem {
  return {
    id: row.id,
    loginId: row.loginId,
    customerName: row.customerName,
    requestedBy: row.requestedByLoginId,
    reason: row.reason,
    createdAt: row.createdAt,
    expiresAt: row.expiresAt,
    state: row.state,
  };
}

/**
 * Turning a customer's MFA off with four eyes (issue 12 §4, seed Q7): any operator requests
 * (`request`), a supervisor other than the requester decides (`approve`, `reject`) within
 * 24 hours. Each step takes the operator's action (who, why) and is audited with them; the
 * customer gets a mail at each step: request received (MFA still on), MFA off with its
 * risk, or the request not carried out. A refusal writes nothing.
 */
export class MfaOffRequests {
  private readonly deps: MfaOffRequestsDeps;

  constructor(deps: MfaOffRequestsDeps) {
    this.deps = deps;
  }

  /**
   * Asks for the customer's MFA to be turned off. [4000] `mfa_already_off` when it is,
   * [4000] `request_pending` while another request for the customer waits; [4040] for an unknown ID.
   */
  async request(loginId: string, action: OperatorAction): Promise<{ requestId: string }> {
    const checked = withCheckedReason(action);
    const customer = await customerForAction(this.deps.customers, loginId);
    if (!customer.mfaEnabled) {
      throw new OperatorActionRefusedError("mfa_already_off", `customer ${customer.id}: MFA is off already`);
    }
    const now = this.deps.clock.now();
    const requestId = this.deps.random.id();
    const request = { id: requestId, customerId: customer.id, requestedBy: checked.operator.id, reason: checked.reason, createdAt: now, expiresAt: now + MFA_OFF_REQUEST_TTL_MS };
    const mail = this.mail(customer, mfaOffRequestNotice(this.deps.brand, { requestedAt: now }));
    if (!(await this.deps.outbox.queueWith(mail, (stores) => stores.mfaOffRequests.create(request)))) {
      throw new OperatorActionRefusedError("request_pending", `customer ${customer.id}: a request is pending already`);
    }
    await auditOperatorAction(this.deps.audit, checked, { event: "mfa_off.requested", outcome: "ok", customerId: customer.id, detail: { requestId } });
    return { requestId };
  }

  /** Requests in `state`, newest first: "pending" lists only those not expired yet. */
  async list(query: { state: MfaOffRequestState }): Promise<MfaOffRequestItem[]> {
    const rows = await this.deps.requests.list({ state: query.state, now: this.deps.clock.now(), limit: LIST_LIMIT });
    return rows.map(toItem);
  }

  /** The customer's pending, unexpired request, however many others wait; null when none or no such customer. */
  async pendingFor(loginId: string): Promise<MfaOffRequestItem | null> {
    const customer = await this.deps.customers.findByLoginId(normalizeLoginId(loginId));
    if (customer === null) {
      return null;
    }
    const row = await this.deps.requests.findPendingForCustomer(customer.id, this.deps.clock.now());
    return row === null ? null : toItem(row);
  }

  /**
   * A supervisor other than the requester approves: MFA off and the risk notice, with the
   * decision, in one transaction. [4031] for an agent or the requester, [4040] for an
   * unknown request, [4000] `request_decided` / `request_expired`; of two racing, one wins.
   */
  async approve(requestId: string, action: OperatorAction): Promise<void> {
    const checked = withCheckedReason(action);
    const { request, customer } = await this.decidable(requestId, checked);
    const now = this.deps.clock.now();
    const mail = this.mail(customer, mfaOffNotice(this.deps.brand, { disabledAt: now }));
    const approved = await this.deps.outbox.queueWith(mail, async (stores) => {
      if (!(await stores.mfaOffRequests.decide(request.id, { state: "approved", by: checked.operator.id, at: now, reason: checked.reason }))) {
        return false;
      }
      await stores.customers.setMfaEnabled(customer.id, false);
      return true;
    });
    if (!approved) {
      throw await this.whyNotPending(request.id);
    }
    await auditOperatorAction(this.deps.audit, checked, { event: "mfa_off.approved", outcome: "ok", customerId: customer.id, detail: { requestId: request.id, requestedBy: request.requestedBy } });
  }

  /** A supervisor other than the requester rejects: MFA stays on, the customer is told. Refused as `approve` is. */
  async reject(requestId: string, action: OperatorAction): Promise<void> {
    const checked = withCheckedReason(action);
    const { request, customer } = await this.decidable(requestId, checked);
    const now = this.deps.clock.now();
    const mail = this.mail(customer, mfaOffRejectedNotice(this.deps.brand, { rejectedAt: now }));
    const rejected = await this.deps.outbox.queueWith(mail, (stores) => stores.mfaOffRequests.decide(request.id, { state: "rejected", by: checked.operator.id, at: now, reason: checked.reason }));
    if (!rejected) {
      throw await this.whyNotPending(request.id);
    }
    await auditOperatorAction(this.deps.audit, checked, { event: "mfa_off.rejected", outcome: "ok", customerId: customer.id, detail: { requestId: request.id, requestedBy: request.requestedBy } });
  }

  /** The request and its customer, if `action`'s operator may decide it now; else the refusal. */
  private async decidable(requestId: string, action: OperatorAction): Promise<{ request: MfaOffRequest; customer: Customer }> {
    if (action.operator.role !== "supervisor") {
      throw new OperatorForbiddenError(`operator ${action.operator.id} (${action.operator.role}) may not decide MFA-off requests`);
    }
    const request = await this.deps.requests.findById(requestId);
    if (request === null) {
      throw new NotFoundError(`no MFA-off request ${JSON.stringify(requestId.slice(0, 80))}`, { what: "request" });
    }
    // Four eyes: nobody decides their own request, so a supervisor cannot turn MFA off alone.
    if (request.requestedBy === action.operator.id) {
      throw new OperatorForbiddenError(`operator ${action.operator.id} may not decide their own request ${request.id}`);
    }
    const refusal = this.stateRefusal(request);
    if (refusal !== null) {
      throw refusal;
    }
    const customer = await this.deps.customers.findById(request.customerId);
    if (customer === null) {
      throw new NotFoundError(`customer ${request.customerId} of request ${request.id} is gone`, { what: "customer" });
    }
    return { request, customer };
  }

  /** Why a request read again after a lost race is no longer pending. */
  private async whyNotPending(requestId: string): Promise<OperatorActionRefusedError> {
    const request = await this.deps.requests.findById(requestId);
    return (request === null ? null : this.stateRefusal(request)) ?? new OperatorActionRefusedError("request_decided", `request ${requestId} was decided meanwhile`);
  }

  private stateRefusal(request: MfaOffRequest): OperatorActionRefusedError | null {
    if (request.state === "approved" || request.state === "rejected") {
      return new OperatorActionRefusedError("request_decided", `request ${request.id} is ${request.state}`);
    }
    if (request.state === "expired" || request.expiresAt <= this.deps.clock.now()) {
      return new OperatorActionRefusedError("request_expired", `request ${request.id} expired at ${request.expiresAt}`);
    }
    return null;
  }

  private mail(customer: Customer, notice: Notice): ReturnType<typeof noticeMail> {
    return noticeMail(this.deps.brand, customer, notice, { id: this.deps.random.id(), createdAt: this.deps.clock.now() });
  }
}
