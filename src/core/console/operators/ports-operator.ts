/**
 * The ports of the call center's console (DESIGN §5, issue 12): operators are
 * accounts of their own, never customers.
 */

/** An agent serves customers; a supervisor also approves an agent's requests (four eyes). */
export type OperatorRole = "agent" | "supervisor";

export interface Operator {
  id: string;
  /** Normalised as a customer's (NFKC, lower case): `normalizeLoginId`. */
  loginId: string;
  name: string;
  role: OperatorRole;
  passwordHash: string;
  /** The TOTP secret, base32 (RFC 4648, no padding); the store keeps it sealed at rest. */
  totpSecret: string;
  /** The last accepted 30-second step (RFC 6238 T); null before the first code. A code at or below it is refused. */
  totpLastStep: number | null;
  failedCount: number;
  lockedAt: number | null;
  disabledAt: number | null;
  createdAt: number;
}

/** An operator as `create` takes it. */
export interface NewOperatorRow {
  id: string;
  loginId: string;
  name: string;
  role: OperatorRole;
  passwordHash: string;
  totpSecret: string;
  createdAt: number;
}

export interface OperatorStore {
  /** Throws InvalidInputError when the login ID (normalised) is taken. */
  create(operator: NewOperatorRow): Promise<Operator>;
  /** Looks the login ID up normalised (case-insensitive, NFKC). */
  findByLoginId(loginId: string): Promise<Operator | null>;
  findById(id: string): Promise<Operator | null>;
  /**
   * Records `step` as the last accepted TOTP step, only when it is newer than the one
   * recorded, in one statement: of two requests racing with the same code, one wins.
   * False when it was not newer (a replayed code).
   */
  recordTotpStep(id: string, step: number): Promise<boolean>;
  /** Disables the operator; false when already disabled (or unknown). */
  disable(id: string, disabledAt: number): Promise<boolean>;
  /**
   * One more consecutive failure, locking at `threshold`, in one statement (as
   * CustomerStore.recordFailure): `alreadyLocked` when the operator was locked before it.
   */
  recordFailure(id: string, threshold: number, now: number): Promise<{ failedCount: number; lockedNow: boolean; alreadyLocked: boolean }>;
  /** A successful login: the count of consecutive failures starts again. */
  resetFailures(id: string): Promise<void>;
  /** Lifts a lock and clears the failure count, in one statement; false when the operator was not locked (or is unknown). */
  unlock(id: string): Promise<boolean>;
}

/** A console session: only the SHA-256 of its cookie token is stored. */
export interface OperatorSession {
  idHash: string;
  operatorId: string;
  createdAt: number;
  lastSeenAt: number;
}

export interface OperatorSessionStore {
  create(session: OperatorSession): Promise<void>;
  /** The session if it exists and has not ended; null otherwise. */
  find(idHash: string): Promise<OperatorSession | null>;
  touch(idHash: string, lastSeenAt: number): Promise<void>;
  end(idHash: string, endedAt: number): Promise<void>;
  /** Ends every open session of the operator; how many. */
  endAllForOperator(operatorId: string, endedAt: number): Promise<number>;
}
