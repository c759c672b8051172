import { createHash } from "node:crypto";
import type { Selectable } from "kysely";
import type { AuditEventsTable } from "./schema.ts";

/** The hash before the first row: the chain starts from a fixed value, so the first row is checked too. */
export const AUDIT_CHAIN_GENESIS = "0".repeat(64);

/** What of a row the chain covers: every column as stored, the sequence number included. */
export type ChainedRow = Omit<Selectable<AuditEventsTable>, "hash">;

/**
 * SHA-256 over the previous row's hash and the row's canonical content (issue 17 item 9): a JSON
 * array in a fixed column order, the detail as its stored text. A row deleted, inserted or edited
 * with SQL breaks the link of the row after it (or the chain head, audit_chain, for the last row).
 */
export function chainHash(previousHash: string, row: ChainedRow): string {
  const canonical = JSON.stringify([row.seq, row.id, row.at, row.event, row.outcome, row.customer_id, row.actor, row.ip, row.user_agent, row.request_id, row.detail]);
  return createHash("sha256").update(`${previousHash}\n${canonical}`, "utf8").digest("hex");
}
