import type { Kysely } from "kysely";
import type { Database } from "./schema.ts";
import { AUDIT_CHAIN_GENESIS, chainHash } from "./audit-chain.ts";

// Rows read per round trip: the whole log is walked, in bounded memory.
const VERIFY_BATCH = 1_000;

/** The audit log's chain as `audit verify` reports it. */
export type AuditChainReport =
  | { intact: true; rows: number; headSeq: number; headHash: string }
  | {
      intact: false;
      /** The first broken link: the row where the chain stops holding (null when the missing rows are the last ones). */
      row: { id: string; seq: number | null; at: number } | null;
      /** What is wrong, in one sentence (no row content). */
      problem: string;
      /** Rows checked and found linked before the break. */
      rowsBefore: number;
    };

/**
 * Walks the audit log in chain order and recomputes every link (audit-chain.ts): a deleted row
 * shows as a gap in `seq`, an edited or inserted one as a hash that does not match, deleted last
 * rows as a chain head (audit_chain) ahead of the last row, a row written around the store (with
 * SQL) as one without a place in the chain. Reads only.
 */
export async function checkAuditChain(db: Kysely<Database>): Promise<AuditChainReport> {
  const head = await db.selectFrom("audit_chain").select(["seq", "hash"]).where("id", "=", 1).executeTakeFirst();
  if (head === undefined) {
    return { intact: false, row: null, problem: "the chain head (audit_chain) is missing", rowsBefore: 0 };
  }
  const unchained = await db.selectFrom("audit_events").select(["id", "seq", "at"]).where((eb) => eb.or([eb("seq", "is", null), eb("hash", "is", null)])).orderBy("at").orderBy("id").executeTakeFirst();
  let expected = 1;
  let previousHash = AUDIT_CHAIN_GENESIS;
  for (;;) {
    const rows = await db.selectFrom("audit_events").selectAll().where("seq", ">=", expected).orderBy("seq").limit(VERIFY_BATCH).execute();
    for (const row of rows) {
      const seq = Number(row.seq);
      const at = { id: row.id, seq, at: row.at };
      if (seq !== expected) {
        return { intact: false, row: at, problem: `seq ${expected}${seq - 1 > expected ? `–${seq - 1}` : ""} missing before this row (deleted)`, rowsBefore: expected - 1 };
      }
      if (chainHash(previousHash, { ...row, seq }) !== row.hash) {
        return { intact: false, row: at, problem: "the row's hash does not match its content and the row before it (edited or inserted)", rowsBefore: expected - 1 };
      }
      previousHash = row.hash;
      expected += 1;
    }
    if (rows.length < VERIFY_BATCH) {
      break;
    }
  }
  const last = expected - 1;
  const headSeq = Number(head.seq);
  if (headSeq !== last || head.hash !== previousHash) {
    return {
      intact: false,
      row: null,
      problem: headSeq > last ? `the chain head is at seq ${headSeq} but the last row is seq ${last} (the last rows were deleted)` : `the chain head (seq ${headSeq}) does not match the last row (seq ${last})`,
      rowsBefore: last,
    };
  }
  if (unchained !== undefined) {
    return { intact: false, row: { id: unchained.id, seq: unchained.seq === null ? null : Number(unchained.seq), at: unchained.at }, problem: "a row outside the chain (written with SQL, not by the service)", rowsBefore: last };
  }
  return { intact: true, rows: last, headSeq, headHash: head.hash };
}
