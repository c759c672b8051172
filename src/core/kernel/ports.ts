/**
 * The small interfaces through which the core talks to storage, mail, clock
 * and randomness. Adapters in `src/adapters/` implement them; tests may pass
 * their own (a frozen clock, a failing store).
 */

import type { SessionEndReason } from "./error-reasons.ts";

export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
}

export interface Random {
  /** A uniformly random integer in [min, max). */
  int(min: number, max: number): number;
  /** `bytes` random bytes, base64url-encoded. */
  token(bytes: number): string;
  /** A random unique identifier for a row. */
  id(): string;
}

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(hash: string, password: string): Promise<boolean>;
  /** True when `hash` was made with other parameters than the configured ones. */
  needsRehash(hash: string): boolean;
  /**
   * For a login ID that does not exist: takes as long as `verify` would take
   * now, queueing and load shedding included, and answers false, so neither the
   * answer nor its timing tells which IDs exist.
   */
  verifyAbsent(password: string): Promise<false>;
}

export interface Customer {
  id: string;
  loginId: string;
  email: string;
  name: string;
  passwordHash: string;
  /** False only when the call center turned MFA off (seed Q7). */
  mfaEnabled: boolean;
  createdAt: number;
  /** Consecutive failed passwords and codes since the last completed login. */
  failedCount: number;
  /** When the account was locked; null when it is not. */
  lockedAt: number | null;
  /** When the customer froze the account (issue 11: seed Q9's emergency); null when not frozen. */
  frozenAt: number | null;
  /** The customer wants a mail after every login (on by default); a new device is notified regardless. */
  notifyEveryLogin: boolean;
  /** `YYYY-MM-DD` (issue 11); null for customers from before, who have none on record. */
  birthDate: string | null;
  /**
   * Until when (epoch ms) recovery by emailed code is refused after a 重要メール change (issue 17
   * item 2): password reset, trading-PIN change, code confirmations of withdrawals and bank-account
   * changes. Null or absent: no hold.
   */
  emailHoldUntil?: number | null;
}

export type ChallengeStatus = "pending" | "used" | "superseded" | "burned" | "expired";

export interface LoginChallenge {
  id: string;
  customerId: string;
  /** HMAC-SHA256(server key, challengeId ‖ code), hex. The code itself is never stored. */
  codeHmac: string;
  /** SHA-256 of the pre-auth token held by the browser that passed the password step. */
  preauthHash: string;
  status: ChallengeStatus;
  failedAttempts: number;
  sentAt: number;
  expiresAt: number;
  ip: string;
  userAgent: string;
}

export interface OutboxMail {
  id: string;
  recipient: string;
  subject: string;
  body: string;
  createdAt: number;
  /** The customer the mail is for, so the console can list a customer's mails (issue 12). */
  customerId?: string;
  kind?: MailKind;
}

/** "code" for every mail carrying a code (login, password change, password reset); "notice" for the rest. */
export type MailKind = "code" | "notice";

export interface Session {
  /** SHA-256 of the token in the cookie; the token itself is never stored. */
  idHash: string;
  customerId: string;
  authMethods: string[];
  createdAt: number;
  lastSeenAt: number;
  ip: string;
  userAgent: string;
}

export interface LoginRecord {
  id: string;
  customerId: string;
  at: number;
  ip: string;
  userAgent: string;
  authMethods: string[];
}

export interface NewCustomer {
  loginId: string;
  email: string;
  name: string;
  passwordHash: string;
  mfaEnabled: boolean;
  /** `YYYY-MM-DD`, already checked (birth-date.ts); absent or null when none is known. */
  birthDate?: string | null;
}

/** A customer as `create` and `createMany` take it: with its row ID and creation time. */
export type NewCustomerRow = NewCustomer & { id: string; createdAt: number };

export interface CustomerStore {
  findByLoginId(loginId: string): Promise<Customer | null>;
  /** Customers whose 重要メール is `email` (compared in lower case), at most `limit`. */
  findByEmail(email: string, limit: number): Promise<Customer[]>;
  findById(id: string): Promise<Customer | null>;
  /** Throws InvalidInputError when the login ID is taken. */
  create(customer: NewCustomerRow): Promise<Customer>;
  /**
   * Inserts every customer in one transaction, `batchSize` rows per statement, or
   * none: on a taken login ID it throws InvalidInputError and writes nothing.
   * `onProgress` hears the running count after each statement.
   */
  createMany(customers: readonly NewCustomerRow[], options: { batchSize: number; onProgress?: (inserted: number) => void }): Promise<void>;
  /** Those of `loginIds` (normalised) that belong to a customer already, each once. */
  existingLoginIds(loginIds: readonly string[]): Promise<string[]>;
  updatePasswordHash(id: string, passwordHash: string): Promise<void>;
  count(): Promise<number>;
  /**
   * Counts one failure atomically and locks the account when the count reaches
   * `threshold`. `lockedNow` is true only for the failure that locked it; a failure
   * on an account already locked is not counted and reports `alreadyLocked`.
   */
  recordFailure(id: string, threshold: number, now: number): Promise<{ failedCount: number; lockedNow: boolean; alreadyLocked: boolean }>;
  setNotifyEveryLogin(id: string, on: boolean): Promise<void>;
  /** Freezes the account (every login refused with [5103] until the call center reopens it); false when it already was. */
  freeze(id: string, frozenAt: number): Promise<boolean>;
  /** A completed login: the failure count starts again from zero. */
  resetFailures(id: string): Promise<void>;
  /** Clears the lock and the failure count; false when the account was not locked. */
  unlock(id: string): Promise<boolean>;
  /** Lifts the customer's freeze (the call center, after an identity check); false when it was not frozen. */
  unfreeze(id: string): Promise<boolean>;
  /** Turns MFA on or off (seed Q7); false when it already was. Takes effect at the next login. */
  setMfaEnabled(id: string, on: boolean): Promise<boolean>;
  /** Changes the 重要メール from `from` to `to`; false when it is no longer `from` (changed meanwhile). */
  changeEmail(id: string, from: string, to: string): Promise<boolean>;
  /** Sets until when recovery by emailed code is refused after a 重要メール change (security requests). */
  holdEmailRecovery(id: string, until: number): Promise<void>;
}

export interface ChallengeStore {
  /** The customer's most recent challenge in any state, to avoid repeating its code. */
  latestForCustomer(customerId: string): Promise<LoginChallenge | null>;
  /**
   * The customer's challenges started before `challenge` (or at the same time), itself
   * left out, newest first, at most `limit`: the codes it superseded (seed Q6), to tell a
   * customer who types one that a newer code was sent.
   */
  previousForCustomer(challenge: Pick<LoginChallenge, "id" | "customerId" | "sentAt">, limit: number): Promise<LoginChallenge[]>;
  /**
   * Supersede every pending challenge of the customer and insert the new one, in one
   * transaction (its code mail joins it through `MailOutbox.queueWith`). False, with
   * nothing written, when the customer's account is locked at that moment.
   */
  start(challenge: LoginChallenge): Promise<boolean>;
  findByPreauthHash(preauthHash: string): Promise<LoginChallenge | null>;
  /**
   * Counts one wrong code on a pending challenge; burns it when the count
   * reaches `maxAttempts`. Returns the new state, or null when it was no
   * longer pending.
   */
  recordWrongCode(id: string, maxAttempts: number): Promise<{ failedAttempts: number; status: ChallengeStatus } | null>;
  /** pending → expired. */
  markExpired(id: string): Promise<void>;
  /** Supersedes every pending challenge of the customer (its 重要メール changed); how many. */
  supersedePending(customerId: string): Promise<number>;
  /**
   * In one transaction: pending → used (only one caller can win), create the
   * session and record the login. Nothing is written when the challenge is no
   * longer pending, or when the customer's account is locked at that moment.
   */
  complete(id: string, session: Session, login: LoginRecord): Promise<"completed" | "not_pending" | "locked">;
}

export interface SessionStore {
  /** Creates the session and records the login in one transaction. */
  create(session: Session, login: LoginRecord): Promise<void>;
  find(idHash: string): Promise<Session | null>;
  touch(idHash: string, lastSeenAt: number): Promise<void>;
  /** Ends the session, keeping why; a session ended already keeps its first end time and reason. */
  end(idHash: string, endedAt: number, reason: SessionEndReason): Promise<void>;
  /** Ends every live session of the customer (but `except`, a session's idHash) for `reason`; returns how many were live. */
  endAllForCustomer(customerId: string, endedAt: number, reason: SessionEndReason, options?: { except?: string }): Promise<number>;
  /** Why an ended session ended; null while it lives, for an unknown one, or one ended before reasons were kept. */
  endReason(idHash: string): Promise<SessionEndReason | null>;
  /** The customer's sessions not ended yet (timeouts are the service's to judge), newest first. */
  listOpen(customerId: string): Promise<Session[]>;
}

export interface LoginHistoryStore {
  /** Newest first. */
  recent(customerId: string, limit: number): Promise<LoginRecord[]>;
}

export interface RateLimitDecision {
  allowed: boolean;
  /** Seconds until the window that refused this request ends. */
  retryAfterSeconds: number;
}

/** Fixed-window counters, shared by every instance (database or Redis). */
export interface RateLimiter {
  consume(key: string, max: number, windowSeconds: number, now: number): Promise<RateLimitDecision>;
}

/**
 * The stores a change made together with a mail works on: all bound to one transaction.
 * The kernel's own three here; a feature whose changes commit with a mail adds its store
 * from its own ports file (`declare module`, as fastify plugins add decorators), so the
 * kernel names no feature.
 */
export interface AtomicStores {
  challenges: ChallengeStore;
  customers: CustomerStore;
  sessions: SessionStore;
}

/**
 * The one way mail leaves the core (a transactional outbox, DESIGN §3). Delivery is
 * woken once the mail is committed; the core never has to.
 */
export interface MailOutbox {
  /** Queues a mail that stands alone (a notice after a change already made). */
  queue(mail: OutboxMail): Promise<void>;
  /**
   * Runs `change` on stores bound to one transaction and queues `mail` (one, or several: an
   * e-mail change notifies the old and the new address) in the same transaction: the change
   * and its mails commit together or not at all. When `change` answers false, nothing of it
   * is kept and no mail is queued; `queueWith` answers false.
   */
  queueWith(mail: OutboxMail | readonly OutboxMail[], change: (stores: AtomicStores) => Promise<boolean>): Promise<boolean>;
}
