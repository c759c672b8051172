/**
 * The port of the trading PIN (取引暗証番号, issue 13 §4): one row per customer who has one,
 * with its own failure count and lock, apart from the login's..
 */

export interface TradingPinRecord {
  customerId: string;
  /** argon2id of the normalised PIN (trading-pin-rules.ts); the PIN itself is never stored. */
  pinHash: string;
  /** Consecutive wrong PINs since the last right one (or since it was set or unlocked). */
  failedCount: number;
  /** When the 5th consecutive wrong PIN locked it; null when it is not locked. */
  lockedAt: number | null;
  setAt: number;
}

export interface TradingPinStore {
  find(customerId: string): Promise<TradingPinRecord | null>;
  /** Sets (or replaces) the PIN in one statement: the count starts from zero and a lock is lifted. */
  set(customerId: string, pinHash: string, setAt: number): Promise<void>;
  /**
   * Counts one wrong PIN and locks at `threshold`, in one statement and only while unlocked
   * (as the login's failure count): every failure counts and exactly one locks. A failure on a
   * PIN already locked (or on none) is not counted and reports `alreadyLocked`.
   */
  recordFailure(customerId: string, threshold: number, now: number): Promise<{ failedCount: number; lockedNow: boolean; alreadyLocked: boolean }>;
  /** A right PIN: the count starts again from zero, only while unlocked; false when it was locked meanwhile. */
  resetFailures(customerId: string): Promise<boolean>;
  /** Lifts the lock and clears the count; false when it was not locked. */
  unlock(customerId: string): Promise<boolean>;
}

// This feature's store joins the transaction of a change made with its mail (MailOutbox.queueWith).
declare module "../kernel/ports.ts" {
  interface AtomicStores {
    tradingPins: TradingPinStore;
  }
}
