import type { Brand } from "./brand.ts";
import type { AuditLog, Clock, CustomerStore, MailOutbox, Random } from "./ports.ts";
import type { OperatorAction } from "./operator-action.ts";
import { auditOperatorAction } from "./operator-action.ts";
import { customerForAction, withCheckedReason } from "./console-customer.ts";
import { OperatorActionRefusedError } from "./console-errors.ts";
import { noticeMail } from "./notice.ts";
import { passkeyRequiredOffByOperatorNotice } from "./passkey-required-notices.ts";

export interface PasskeyRequiredOffDeps {
  customers: CustomerStore;
  outbox: MailOutbox;
  audit: AuditLog;
  clock: Clock;
  random: Random;
  brand: Brand;
}

/**
 * The call center turns パスキー必須 off for a customer who lost the passkey's device (issue 13
 * §3), in the console actions' style (customer-actions.ts): the reason checked first ([4000]),
 * the identity check confirmed (`identityChecked: true`, else [4000] `identity_not_checked`),
 * the customer by login ID ([4040]), the change and its notice in one transaction, audited with
 * the operator's ID and the reason. Already off: [4000] `passkey_not_required`, nothing written.
 * The passkeys themselves stay: the customer removes the lost one after logging in.
 */
export class PasskeyRequiredOff {
  private readonly deps: PasskeyRequiredOffDeps;

  constructor(deps: PasskeyRequiredOffDeps) {
    this.deps = deps;
  }

  async turnOff(loginId: string, action: OperatorAction, check: { identityChecked: boolean }): Promise<void> {
    const checked = withCheckedReason(action);
    if (check.identityChecked !== true) {
      throw new OperatorActionRefusedError("identity_not_checked", "passkey-required-off without identityChecked: true");
    }
    const { customers, outbox, audit, clock, random, brand } = this.deps;
    const customer = await customerForAction(customers, loginId);
    const at = clock.now();
    const mail = noticeMail(brand, customer, passkeyRequiredOffByOperatorNotice(brand, { at }), { id: random.id(), createdAt: at });
    if (!(await outbox.queueWith(mail, (stores) => stores.passkeys.setRequired(customer.id, false)))) {
      throw new OperatorActionRefusedError("passkey_not_required", `customer ${customer.id}: passkey not required`);
    }
    await auditOperatorAction(audit, checked, { event: "passkey_required.disabled", outcome: "ok", customerId: customer.id, detail: { identityChecked: true, by: "call_center" } });
  }
}
