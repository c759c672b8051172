import type { Brand } from "../kernel/brand.ts";
import type { AtomicStores, Clock, Customer, CustomerStore, MailOutbox, Random } from "../kernel/ports.ts";
import type { AuditEvent, AuditEventName, AuditLog } from "../kernel/ports-audit.ts";
import type { Notice } from "../mail/notice.ts";
import type { OperatorAction } from "./operator-action.ts";
import type { OperatorActionRefusal } from "./console-errors.ts";
import { auditOperatorAction } from "./operator-action.ts";
import { customerForAction, withCheckedReason } from "./console-customer.ts";
import { operatorActionRefused } from "./console-errors.ts";
import { noticeMail } from "../mail/notice.ts";
import { buildNotice } from "../mail/notice-kinds.ts";

export interface CustomerActionsDeps {
  customers: CustomerStore;
  outbox: MailOutbox;
  audit: AuditLog;
  clock: Clock;
  random: Random;
  brand: Brand;
}

/**
 * The call center's actions on a customer (issue 12 §4), for the console's API and pages. The
 * 重要メール change is a security request since issue 17 (security-requests.ts).
 * Every method takes the customer's login ID and the operator's action (who, why, from
 * where), and:
 * - checks the reason first ([4000]), then finds the customer ([4040] for an unknown ID);
 * - changes the customer and queues the customer's notice in one transaction;
 * - audits the action with the operator's ID and the reason.
 * An action that does not apply (unlock when not locked, the same address …) changes
 * nothing and mails nothing, and throws operatorActionRefused's [4000] with a `reason`, which
 * the console's refusal hook audits; the one exception is `endSessions`, whose answer is the
 * count (0: nothing done, audited as such).
 */
export class CustomerActions {
  private readonly deps: CustomerActionsDeps;

  constructor(deps: CustomerActionsDeps) {
    this.deps = deps;
  }

  /** Unlocks a locked account, clearing the failure count as `customer unlock` does (account-unlock.ts); notice mailed. */
  async unlock(loginId: string, action: OperatorAction): Promise<void> {
    const checked = withCheckedReason(action);
    const customer = await customerForAction(this.deps.customers, loginId);
    const now = this.deps.clock.now();
    await this.apply(customer, customer.lockedAt !== null, "not_locked", buildNotice("account-unlocked", this.deps.brand, { at: now }), (stores) => stores.customers.unlock(customer.id));
    await this.audit(checked, customer, "account.unlocked", { lockedAt: customer.lockedAt });
  }

  /**
   * Lifts the customer's own freeze (account-freeze.ts), only once the operator has checked
   * the caller's identity: `identityChecked` must be `true`, else [4000] `identity_not_checked`.
   */
  async unfreeze(loginId: string, action: OperatorAction, check: { identityChecked: boolean }): Promise<void> {
    const checked = withCheckedReason(action);
    if (check.identityChecked !== true) {
      throw operatorActionRefused("identity_not_checked", "unfreeze without identityChecked: true");
    }
    const customer = await customerForAction(this.deps.customers, loginId);
    const now = this.deps.clock.now();
    await this.apply(customer, customer.frozenAt !== null, "not_frozen", buildNotice("account-unfrozen", this.deps.brand, { at: now }), (stores) => stores.customers.unfreeze(customer.id));
    await this.audit(checked, customer, "account.unfrozen", { frozenAt: customer.frozenAt, identityChecked: true });
  }

  /** Ends every session of the customer; how many. 0 when there was none: no mail, audited with outcome `info` and `sessions: 0`. */
  async endSessions(loginId: string, action: OperatorAction): Promise<{ ended: number }> {
    const checked = withCheckedReason(action);
    const customer = await customerForAction(this.deps.customers, loginId);
    const now = this.deps.clock.now();
    let ended = 0;
    const mail = this.mail(customer, buildNotice("sessions-ended", this.deps.brand, { at: now }), now);
    await this.deps.outbox.queueWith(mail, async (stores) => {
      ended = await stores.sessions.endAllForCustomer(customer.id, now, "ended_by_operator");
      return ended > 0;
    });
    // Audited even when there was nothing to end (issue 17 item 9): the operator asked, and the log says it changed nothing.
    await auditOperatorAction(this.deps.audit, checked, { event: "sessions.ended_by_operator", outcome: ended > 0 ? "ok" : "info", customerId: customer.id, detail: { sessions: ended } });
    return { ended };
  }

  /** Turns MFA back on (any operator); it takes effect at the customer's next login. */
  async mfaOn(loginId: string, action: OperatorAction): Promise<void> {
    const checked = withCheckedReason(action);
    const customer = await customerForAction(this.deps.customers, loginId);
    const now = this.deps.clock.now();
    await this.apply(customer, !customer.mfaEnabled, "mfa_already_on", buildNotice("mfa-on", this.deps.brand, { at: now }), (stores) => stores.customers.setMfaEnabled(customer.id, true));
    await this.audit(checked, customer, "mfa.enabled", {});
  }

  /**
   * Refuses with `refusal` when the action does not apply as read; else makes `change` and
   * queues the notice together. A change that finds the state gone meanwhile (another
   * operator was quicker) writes nothing and is refused the same way.
   */
  private async apply(customer: Customer, applies: boolean, refusal: OperatorActionRefusal, notice: Notice, change: (stores: AtomicStores) => Promise<boolean>): Promise<void> {
    if (!applies || !(await this.deps.outbox.queueWith(this.mail(customer, notice, this.deps.clock.now()), change))) {
      throw operatorActionRefused(refusal, `customer ${customer.id}: ${refusal}`);
    }
  }

  private mail(customer: Customer, notice: Notice, at: number): ReturnType<typeof noticeMail> {
    return noticeMail(this.deps.brand, customer, notice, { id: this.deps.random.id(), createdAt: at });
  }

  private audit(action: OperatorAction, customer: Customer, event: AuditEventName, detail: AuditEvent["detail"]): Promise<void> {
    return auditOperatorAction(this.deps.audit, action, { event, outcome: "ok", customerId: customer.id, detail });
  }
}
