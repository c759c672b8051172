import type { Bounce } from "../mail/bounce.ts";
/**
 * The ports of the console's read side (issue 12 §3, §5): finding a customer, a customer's
 * code mails with their delivery, and the audit log read by filters..
 */
import type { Customer, MailKind } from "../kernel/ports.ts";
import type { AuditCursor } from "../kernel/ports-audit.ts";
import type { StoredAuditEvent } from "../kernel/ports-audit.ts";

/** The console's customer search. */
export interface CustomerDirectory {
  /** Customers whose login ID starts with `prefix` (already normalised), in login ID order (so an exact match first), at most `limit`. */
  findByLoginIdPrefix(prefix: string, limit: number): Promise<Customer[]>;
  /** Customers whose folded name (core/name-fold.ts) contains `fold`, in login ID order, at most `limit`. */
  findByNameFold(fold: string, limit: number): Promise<Customer[]>;
}

/** A mail as the console shows its delivery: never its body, never its recipient. */
export interface MailDelivery {
  id: string;
  createdAt: number;
  /** "pending" until the relay took it, then "sent". */
  status: "pending" | "sent";
  sentAt: number | null;
  /** Tries so far, the one in progress included. */
  attempts: number;
  lastError: string | null;
  /** The relay's reply line when it took the mail. */
  smtpResponse: string | null;
  /** Issue 22 §1: what came back for it (bounced or delayed, and why); null while nothing did. */
  bounce: Bounce | null;
  /** The bounce's status code and the remote server's text ("5.2.2 smtp; 552 Mailbox full"), bounded and printable; for the call center only. */
  bounceText: string | null;
}

export interface MailDeliveryLog {
  /** The customer's mails of `kind`, newest first, at most `limit`. */
  recentForCustomer(customerId: string, kind: MailKind, limit: number): Promise<MailDelivery[]>;
  /**
   * Issue 22 §1: the two newest mails the relay took for the customer at `address` (their 重要メール now)
   * both came back as hard bounces. A newer mail with no bounce, or a new address, clears it.
   */
  hardBouncedTwice(customerId: string, address: string): Promise<boolean>;
}

/** Which audit events to read; every field narrows, none means all. */
export interface AuditFilter {
  customerId?: string;
  /** The stored actor: an operator's row ID, "customer", "system", `cli:<user>`. */
  actor?: string;
  /** One event name exactly. */
  event?: string;
  /** Events whose name starts with this ("operator."). */
  eventPrefix?: string;
  /** Epoch ms, inclusive. */
  from?: number;
  /** Epoch ms, exclusive. */
  to?: number;
}

/** An audit event with the login IDs of its customer and, when an operator acted, the operator. */
export interface AuditRecord extends StoredAuditEvent {
  customerLoginId: string | null;
  operatorLoginId: string | null;
}

export interface AuditQuery {
  /** Events matching `filter`, strictly older than `before`, newest first (then by ID), at most `limit`. */
  find(filter: AuditFilter, before: AuditCursor | null, limit: number): Promise<AuditRecord[]>;
}
