/**
 * The operations dashboard's read port (issue 22 §2): grouped counts the adapter answers with
 * indexed queries; the core turns them into buckets and networks.
 */

/** How many events of one name fell into one bucket: `bucket` is ⌊(at − from) / bucketMs⌋. */
export interface BucketCount {
  event: string;
  bucket: number;
  count: number;
}

/** How many events came from one address (as stored in the audit row). */
export interface AddressCount {
  ip: string;
  count: number;
}

/** A customer's lock as the dashboard lists it. */
export interface LockedAccount {
  at: number;
  customerId: string;
  /** Null when the customer row is gone. */
  loginId: string | null;
}

export interface DashboardQuery {
  /** Audit events named in `events` with `from` ≤ at < `to`, counted per name and bucket. Index (event, at). */
  auditCounts(events: readonly string[], from: number, to: number, bucketMs: number): Promise<BucketCount[]>;
  /** Code mails the relay took (`sent_at`) with `from` ≤ sent_at < `to`, per bucket (`event` is "mail.sent"). */
  codeMailsSent(from: number, to: number, bucketMs: number): Promise<BucketCount[]>;
  /** Audit events named in `events` with `from` ≤ at < `to`, counted per stored IP address. */
  addressCounts(events: readonly string[], from: number, to: number): Promise<AddressCount[]>;
  /** `account.locked` events with `from` ≤ at < `to`, newest first, at most `limit`. */
  lockedAccounts(from: number, to: number, limit: number): Promise<LockedAccount[]>;
}
