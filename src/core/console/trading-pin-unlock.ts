import type { Brand } from "../kernel/brand.ts";
import type { Clock, CustomerStore, MailOutbox, Random } from "../kernel/ports.ts";
import type { AuditLog } from "../kernel/ports-audit.ts";
import type { TradingPinStore } from "../trading-pin/ports-trading-pin.ts";
import type { OperatorAction } from "./operator-action.ts";
import { auditOperatorAction } from "./operator-action.ts";
import { customerForAction, withCheckedReason } from "./console-customer.ts";
import { operatorActionRefused } from "./console-errors.ts";
import { noticeMail } from "../mail/notice.ts";
import { buildNotice } from "../mail/notice-kinds.ts";

export interface TradingPinUnlockDeps {
  customers: CustomerStore;
  pins: TradingPinStore;
  outbox: MailOutbox;
  audit: AuditLog;
  clock: Clock;
  random: Random;
  brand: Brand;
}

/**
 * The call center lifts a trading PIN's lock (issue 13 §4), as CustomerActions lifts a login
 * lock: the reason checked first ([4000]), the customer by login ID ([4040]), the unlock and the
 * notice in one transaction, audited with the operator and the reason. A PIN that is not locked
 * (or none) changes nothing and is refused with `trading_pin_not_locked`. The PIN stays the same.
 */
export class TradingPinUnlock {
  private readonly deps: TradingPinUnlockDeps;

  constructor(deps: TradingPinUnlockDeps) {
    this.deps = deps;
  }

  async unlock(loginId: string, action: OperatorAction): Promise<void> {
    const { customers, pins, outbox, clock, random, brand, audit } = this.deps;
    const checked = withCheckedReason(action);
    const customer = await customerForAction(customers, loginId);
    const before = await pins.find(customer.id);
    const now = clock.now();
    const mail = noticeMail(brand, customer, buildNotice("trading-pin-unlocked", brand, { at: now }), { id: random.id(), createdAt: now });
    if (before === null || before.lockedAt === null || !(await outbox.queueWith(mail, (stores) => stores.tradingPins.unlock(customer.id)))) {
      throw operatorActionRefused("trading_pin_not_locked", `customer ${customer.id}: trading PIN not locked`);
    }
    await auditOperatorAction(audit, checked, { event: "trading_pin.unlocked", outcome: "ok", customerId: customer.id, detail: { lockedAt: before.lockedAt, failedCount: before.failedCount } });
  }
}
