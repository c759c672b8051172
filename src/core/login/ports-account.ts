/**
 * The ports of the customer's own security (issue 11): the login history's reading of the
 * audit log, fresh emailed codes for sensitive changes, and the devices an account has used.
 */
import type { ChallengeStatus } from "../kernel/ports.ts";

/** What a step-up code (a fresh emailed code for a sensitive change) is for. */
export type StepUpPurpose = "password_change" | "password_reset" | "confirmation" | "passkey_registration" | "trading_pin_change";

/**
 * A fresh emailed code that confirms one sensitive change (DESIGN §4: password change),
 * bound to the session that asked for it. Stored like a login challenge: only its HMAC.
 */
export interface StepUpCode {
  id: string;
  customerId: string;
  purpose: StepUpPurpose;
  /** SHA-256 of what the code is bound to (the session, or the browser's reset token): nothing else can use it. */
  bindingHash: string;
  /** HMAC-SHA256(server key, id ‖ code), hex. */
  codeHmac: string;
  status: ChallengeStatus;
  failedAttempts: number;
  sentAt: number;
  expiresAt: number;
}

export interface StepUpStore {
  /**
   * Supersedes the customer's pending codes for the same purpose and stores this one, in one
   * transaction; false, with nothing written, when the account is frozen or (unless
   * `evenIfLocked`: a password reset lifts a lock) locked at that moment.
   */
  start(code: StepUpCode, options?: { evenIfLocked?: boolean }): Promise<boolean>;
  /** Up to `limit` codes of this purpose bound to `bindingHash`: the pending one first, then the newest. */
  recentBound(purpose: StepUpPurpose, bindingHash: string, limit: number): Promise<StepUpCode[]>;
  /** As ChallengeStore.recordWrongCode: counts, burns at `maxAttempts`, null once not pending. */
  recordWrongCode(id: string, maxAttempts: number): Promise<{ failedAttempts: number; status: ChallengeStatus } | null>;
  /** pending → used; false when it was no longer pending (used by a racing request). */
  use(id: string): Promise<boolean>;
  /** Supersedes every pending code of the customer, whatever its purpose (its 重要メール changed); how many. */
  supersedePending(customerId: string): Promise<number>;
}

/** Devices (browsers, apps) an account has logged in from, known by a hash of their long-lived cookie. */
export interface KnownDeviceStore {
  /** Records a login from the device; `seenBefore` is false the first time this account sees it. */
  remember(customerId: string, deviceHash: string, now: number): Promise<{ seenBefore: boolean }>;
}

// This feature's store joins the transaction of a change made with its mail (MailOutbox.queueWith).
declare module "../kernel/ports.ts" {
  interface AtomicStores {
    stepUps: StepUpStore;
  }
}
