import type { Brand } from "../kernel/brand.ts";
import type { Clock, CustomerStore, MailOutbox, PasswordHasher, Random } from "../kernel/ports.ts";
import type { AuditEvent, AuditLog } from "../kernel/ports-audit.ts";
import type { TradingPinRecord, TradingPinStore } from "./ports-trading-pin.ts";
import type { RequestContext } from "../kernel/request-context.ts";
import { auditCustomerEvent } from "../kernel/audit.ts";
import { InvalidInputError } from "../kernel/errors.ts";
import { TRADING_PIN_LOCK_THRESHOLD } from "../kernel/limits.ts";
import { noticeMail } from "../mail/notice.ts";
import { describeRequestOrigin } from "../kernel/request-origin.ts";
import { TradingPinLockedError, TradingPinNotSetError, TradingPinRejectedError, WrongTradingPinError } from "./trading-pin-errors.ts";
import { buildNotice } from "../mail/notice-kinds.ts";
import { MAX_PIN_INPUT_LENGTH, normalizePin, tradingPinRefusal } from "./trading-pin-rules.ts";

export interface TradingPinsDeps {
  pins: TradingPinStore;
  customers: CustomerStore;
  /** argon2id with the passwords' parameters (the same hasher and its load shedding). */
  hasher: PasswordHasher;
  clock: Clock;
  random: Random;
  outbox: MailOutbox;
  audit: AuditLog;
  brand: Brand;
}

/** Who sets a PIN from outside the customer area: `cli:<os user>`, why, and the request's IDs. */
export interface PinSetter {
  actor: string;
  reason: string;
  context: RequestContext;
}

/**
 * The trading PIN (取引暗証番号, issue 13 §4, seed Q10: trades need it). `verify` is what a
 * confirmation of an operation calls. Wrong PINs are counted apart from the login's failures:
 * the 5th consecutive one locks the PIN (not the login) until the call center lifts it; a right
 * PIN starts the count again. argon2 is spent on every verification, also when the PIN is
 * locked or not set, so the time taken tells nothing.
 */
export class TradingPins {
  private readonly deps: TradingPinsDeps;

  constructor(deps: TradingPinsDeps) {
    this.deps = deps;
  }

  /**
   * Resolves when `pin` is the customer's trading PIN. Throws [5142] for a wrong one (counted),
   * [5143] when locked (also for the wrong PIN that locks it), [5145] when the customer has none,
   * [4000] for input far too long to be a PIN.
   */
  async verify(customerId: string, pin: string, context: RequestContext): Promise<void> {
    const { pins, hasher, audit, brand } = this.deps;
    if (pin.length > MAX_PIN_INPUT_LENGTH) {
      throw new InvalidInputError("trading PIN input too long");
    }
    const record = await pins.find(customerId);
    const normalized = normalizePin(pin);
    if (record === null || record.lockedAt !== null) {
      await hasher.verifyAbsent(normalized ?? pin);
      await auditCustomerEvent(audit, context, "trading_pin.failed", "refused", customerId, { reason: record === null ? "not_set" : "locked" });
      throw record === null
        ? new TradingPinNotSetError(brand.callCenterPhone, `customer ${customerId} has no trading PIN`)
        : new TradingPinLockedError(brand.callCenterPhone, `trading PIN of customer ${customerId} is locked`);
    }
    // A PIN that is not 4–8 digits cannot be right; it is still a wrong entry, and argon2 still runs.
    const right = normalized === null ? await hasher.verifyAbsent(pin) : await hasher.verify(record.pinHash, normalized);
    if (!right) {
      await this.countWrongPin(record, context);
    }
    // The lock must still win over wrong PINs racing this one (guesses sent at once all read an
    // unlocked record). With no failures to clear, a read says so without the write every trade
    // would otherwise pay; with some, the UPDATE … WHERE unlocked both clears and checks.
    const stillUnlocked = record.failedCount === 0 ? (await pins.find(customerId))?.lockedAt === null : await pins.resetFailures(customerId);
    if (!stillUnlocked) {
      // Locked between the read and now by wrong PINs racing this one: the lock wins.
      throw new TradingPinLockedError(brand.callCenterPhone, `trading PIN of customer ${customerId} locked meanwhile`);
    }
    await auditCustomerEvent(audit, context, "trading_pin.verified", "ok", customerId, { failedBefore: record.failedCount });
  }

  /** The customer's PIN state for the console and the customer area; null when none is set. */
  async state(customerId: string): Promise<Pick<TradingPinRecord, "lockedAt" | "setAt"> | null> {
    const record = await this.deps.pins.find(customerId);
    return record === null ? null : { lockedAt: record.lockedAt, setAt: record.setAt };
  }

  /**
   * Sets the PIN from outside the customer area (`customer set-trading-pin`): the rules first
   * ([5144], nothing written), then the hash; the count starts from zero and a lock is lifted.
   */
  async set(customerId: string, pin: string, by: PinSetter): Promise<void> {
    const refusal = tradingPinRefusal(pin);
    if (refusal !== null) {
      throw new TradingPinRejectedError(refusal, `trading PIN refused (${refusal}) for customer ${customerId}`);
    }
    const pinHash = await this.hash(pin);
    const before = await this.deps.pins.find(customerId);
    await this.deps.pins.set(customerId, pinHash, this.deps.clock.now());
    await this.deps.audit.record({
      event: "trading_pin.changed",
      outcome: "ok",
      customerId,
      actor: by.actor,
      ip: by.context.ip,
      userAgent: by.context.userAgent,
      requestId: by.context.requestId,
      detail: { by: "cli", reason: by.reason, firstPin: before === null, lockLifted: before !== null && before.lockedAt !== null },
    });
  }

  /** argon2id of the normalised PIN (the rules have passed, so it is 4–8 ASCII digits). */
  async hash(pin: string): Promise<string> {
    const normalized = normalizePin(pin);
    if (normalized === null) {
      throw new InvalidInputError("trading PIN to hash is not 4-8 digits");
    }
    return this.deps.hasher.hash(normalized);
  }

  /** Counts one wrong PIN; the one that locks mails the notice. Always throws. */
  private async countWrongPin(record: TradingPinRecord, context: RequestContext): Promise<never> {
    const { pins, clock, audit, brand } = this.deps;
    const customerId = record.customerId;
    const now = clock.now();
    const { failedCount, lockedNow, alreadyLocked } = await pins.recordFailure(customerId, TRADING_PIN_LOCK_THRESHOLD, now);
    const detail: AuditEvent["detail"] = { failedCount };
    await auditCustomerEvent(audit, context, "trading_pin.failed", "refused", customerId, alreadyLocked ? { reason: "locked" } : { reason: "wrong_pin", ...detail });
    if (alreadyLocked) {
      throw new TradingPinLockedError(brand.callCenterPhone, `trading PIN of customer ${customerId} is locked`);
    }
    if (lockedNow) {
      const noticeMailId = await this.mailLockNotice(customerId, now, context);
      await auditCustomerEvent(audit, context, "trading_pin.locked", "info", customerId, { ...detail, noticeMailId });
      throw new TradingPinLockedError(brand.callCenterPhone, `trading PIN of customer ${customerId} locked by the wrong PIN no. ${failedCount}`);
    }
    throw new WrongTradingPinError(`wrong trading PIN for customer ${customerId} (${failedCount} in a row)`);
  }

  /** Queued after the lock has committed: should the process die in between, the lock holds and only the notice is lost. */
  private async mailLockNotice(customerId: string, lockedAt: number, context: RequestContext): Promise<string | null> {
    const { customers, outbox, random, brand } = this.deps;
    const customer = await customers.findById(customerId);
    if (customer === null) {
      return null;
    }
    const id = random.id();
    await outbox.queue(noticeMail(brand, customer, buildNotice("trading-pin-locked", brand, { at: lockedAt, ...describeRequestOrigin(context) }), { id, createdAt: lockedAt }));
    return id;
  }
}
