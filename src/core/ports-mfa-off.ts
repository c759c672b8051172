/**
 * The port of the four-eyes MFA-off requests (issue 12 §4, DESIGN §5): any operator asks, a
 * supervisor other than the requester decides, within 24 hours. Re-exported by ports.ts.
 */

/** "expired": still pending in the table but past `expiresAt`, or marked so when a newer request replaced it. */
export type MfaOffRequestState = "pending" | "approved" | "rejected" | "expired";

export interface MfaOffRequest {
  id: string;
  customerId: string;
  /** The requesting operator's ID. */
  requestedBy: string;
  reason: string;
  createdAt: number;
  expiresAt: number;
  /** As stored; a pending request past `expiresAt` is expired all the same (`effectiveState`). */
  state: MfaOffRequestState;
  decidedBy: string | null;
  decidedAt: number | null;
  decisionReason: string | null;
}

/** A request as `create` takes it. */
export type NewMfaOffRequest = Pick<MfaOffRequest, "id" | "customerId" | "requestedBy" | "reason" | "createdAt" | "expiresAt">;

/** A request as the console lists it: with whom it is for and who asked. */
export interface MfaOffRequestListing extends MfaOffRequest {
  loginId: string;
  customerName: string;
  /** The requesting operator's login ID. */
  requestedByLoginId: string;
}

export interface MfaOffRequestStore {
  /**
   * In one transaction, holding the customer's row: the customer's pending requests past
   * expiry at `createdAt` become "expired", then `request` is inserted. False, with nothing
   * written, when the customer still has a pending request (one at a time per customer).
   */
  create(request: NewMfaOffRequest): Promise<boolean>;
  findById(id: string): Promise<MfaOffRequest | null>;
  /**
   * pending and not expired at `decision.at` → `decision.state`, in one UPDATE … WHERE
   * state = 'pending': of two deciders racing, one wins. False, with nothing written, otherwise.
   */
  decide(id: string, decision: { state: "approved" | "rejected"; by: string; at: number; reason: string }): Promise<boolean>;
  /** Requests in `state` at `now` (pending: not expired; expired: pending past expiry too), newest first, at most `limit`. */
  list(query: { state: MfaOffRequestState; now: number; limit: number }): Promise<MfaOffRequestListing[]>;
  /** The customer's request pending and not expired at `now` (one at a time per customer); null when none. */
  findPendingForCustomer(customerId: string, now: number): Promise<MfaOffRequestListing | null>;
}
