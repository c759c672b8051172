import type { Kysely, Selectable } from "kysely";
import type { RecoveryAsk, RecoveryRequest } from "../../../core/account/ports-recovery.ts";
import type { RequestContext } from "../../../core/kernel/request-context.ts";
import type { BodySealer } from "../../crypto/body-sealer.ts";
import type { Database, RecoveryRequestsTable } from "../schema.ts";

/** A claimed request, with how many times it has been claimed (this one included). */
export interface ClaimedRecoveryRequest extends RecoveryRequest {
  attempts: number;
}

/** A claimed row no key opens (sealed with a secret no longer configured, or damaged): to be given up. */
export interface UnreadableRecoveryRequest {
  id: string;
  attempts: number;
  unreadable: true;
}

/** The recovery_requests table (migration 0015): written by the requests, drained by the recovery worker. */
export interface RecoveryQueueStore {
  /** One INSERT of the sealed request, whatever it will match. */
  add(request: RecoveryRequest): Promise<void>;
  /**
   * Claims up to `limit` requests nobody holds or whose hold ended by `now`, oldest first, each
   * held until `until`; one conditional UPDATE per row, so two instances never both get one.
   * Each row is opened on its own: one that no key opens comes back as unreadable, the others as read.
   */
  claim(now: number, until: number, limit: number): Promise<Array<ClaimedRecoveryRequest | UnreadableRecoveryRequest>>;
  /** Deletes a request once resolved (or given up). */
  done(id: string): Promise<void>;
  /** How many wait, held or not. */
  count(): Promise<number>;
}

interface SealedPayload {
  ask: RecoveryAsk;
  context: RequestContext;
}

/** The payload opened with the first key that opens it (the current one, then older ones); null when none does. */
function openedPayload(sealed: string, sealers: readonly BodySealer[]): SealedPayload | null {
  for (const sealer of sealers) {
    try {
      return JSON.parse(sealer.open(sealed)) as SealedPayload;
    } catch {
      // Not this key (or not a sealed payload at all): try the next one.
    }
  }
  return null;
}

/**
 * `sealer` seals new rows (the current SERVER_SECRET's key); `olderSealers` (keys of secrets
 * rotated out) only open the rows that still wait from before the rotation.
 */
export function createRecoveryQueueStore(db: Kysely<Database>, sealer: BodySealer, olderSealers: readonly BodySealer[] = []): RecoveryQueueStore {
  const sealers = [sealer, ...olderSealers];
  const opened = (row: Selectable<RecoveryRequestsTable>): ClaimedRecoveryRequest | UnreadableRecoveryRequest => {
    const payload = openedPayload(row.payload, sealers);
    if (payload === null) {
      return { id: row.id, attempts: Number(row.attempts), unreadable: true };
    }
    return { id: row.id, ask: payload.ask, context: payload.context, createdAt: Number(row.created_at), attempts: Number(row.attempts) };
  };
  return {
    async add(request: RecoveryRequest): Promise<void> {
      // Sealed: the typed address and date of birth are nobody's business while the row waits.
      const payload: SealedPayload = { ask: request.ask, context: request.context };
      await db.insertInto("recovery_requests").values({ id: request.id, payload: sealer.seal(JSON.stringify(payload)), created_at: request.createdAt, claimed_until: null }).execute();
    },

    async claim(now: number, until: number, limit: number): Promise<Array<ClaimedRecoveryRequest | UnreadableRecoveryRequest>> {
      const free = await db
        .selectFrom("recovery_requests")
        .select("id")
        .where((eb) => eb.or([eb("claimed_until", "is", null), eb("claimed_until", "<=", now)]))
        .orderBy("created_at")
        .limit(limit)
        .execute();
      const claimed: Array<ClaimedRecoveryRequest | UnreadableRecoveryRequest> = [];
      for (const { id } of free) {
        const row = await db
          .updateTable("recovery_requests")
          .set((eb) => ({ claimed_until: until, attempts: eb("attempts", "+", 1) }))
          .where("id", "=", id)
          .where((eb) => eb.or([eb("claimed_until", "is", null), eb("claimed_until", "<=", now)]))
          .returningAll()
          .executeTakeFirst();
        if (row !== undefined) {
          claimed.push(opened(row));
        }
      }
      return claimed;
    },

    async done(id: string): Promise<void> {
      await db.deleteFrom("recovery_requests").where("id", "=", id).execute();
    },

    async count(): Promise<number> {
      const row = await db.selectFrom("recovery_requests").select((eb) => eb.fn.countAll().as("n")).executeTakeFirstOrThrow();
      return Number(row.n);
    },
  };
}
