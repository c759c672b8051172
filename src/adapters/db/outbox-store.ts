import { sql } from "kysely";
import type { Kysely } from "kysely";
import type { Database } from "./schema.ts";
import type { DialectName } from "./connect.ts";
import type { BodySealer } from "../crypto/body-sealer.ts";
import type { OutboxMail } from "../../core/kernel/ports.ts";
import type { Bind } from "./prepared-query.ts";
import { prepareQuery } from "./prepared-query.ts";

type ClaimedRow = { id: string; recipient: string; subject: string; body: string; attempts: number; created_at: number };

export interface ClaimedMail {
  id: string;
  recipient: string;
  subject: string;
  body: string;
  attempts: number;
  createdAt: number;
}

export interface OutboxStore {
  /** Puts a mail into the outbox on its own (the core queues through MailOutbox, mail-outbox.ts). */
  enqueue(mail: OutboxMail): Promise<void>;
  /**
   * Leases up to `limit` due mails to this worker until `now + leaseMs`; no other worker gets them meanwhile.
   * `triedAtMost`: only mails tried that many times or fewer (0: first tries only).
   */
  claim(now: number, leaseMs: number, limit: number, options?: { triedAtMost?: number }): Promise<ClaimedMail[]>;
  /** Delivered: `smtpResponse` is the relay's reply line ("250 2.0.0 Ok: queued as …"), kept bounded and printable. */
  markSent(id: string, sentAt: number, smtpResponse?: string | null): Promise<void>;
  markFailed(id: string, nextAttemptAt: number, error: string): Promise<void>;
  /**
   * Gives back claimed mails this worker never tried (it is shutting down): due
   * again at once for any worker, their attempt not counted.
   */
  release(ids: string[]): Promise<void>;
  /**
   * Makes every pending mail waiting for a retry due at `now` (the SMTP relay
   * answers again after an outage: no need to wait out backoffs of minutes).
   * Leases are left alone. Returns how many mails were pulled forward.
   */
  retryNow(now: number): Promise<number>;
  /**
   * The earliest time after `now` at which a pending mail becomes claimable (its next attempt, or its
   * lease's end when that is later), or null when no pending mail waits for a time: the worker sleeps until then.
   */
  nextDueAfter(now: number): Promise<number | null>;
  /** Mails not yet delivered (the outbox depth on /metrics). */
  pendingCount(): Promise<number>;
  /** Pending mails queued before `criteria.queuedBefore` or tried `criteria.minAttempts` times or more; oldest first. */
  findStuck(criteria: StuckCriteria, limit: number): Promise<StuckMail[]>;
  countStuck(criteria: StuckCriteria): Promise<number>;
}

export interface StuckCriteria {
  queuedBefore: number;
  minAttempts: number;
}

/** What an operator needs to chase a stuck mail; never its body. */
export interface StuckMail {
  id: string;
  attempts: number;
  lastError: string | null;
  createdAt: number;
}

/** Puts a mail into the outbox, its body sealed; pass a transaction to make it part of the caller's change. */
export async function enqueueMail(db: Kysely<Database>, sealer: BodySealer, mail: OutboxMail): Promise<void> {
  await insertPendingMail(db, {
    id: mail.id,
    recipient: mail.recipient,
    subject: mail.subject,
    body: sealer.seal(mail.body),
    createdAt: mail.createdAt,
    customerId: mail.customerId ?? null,
    kind: mail.kind ?? null,
  });
}

// Two mails per login, each queued, claimed and marked sent: built once (issue 23; prepared-query.ts).
const insertPendingMail = prepareQuery<
  { id: string; recipient: string; subject: string; body: string; createdAt: number; customerId: string | null; kind: string | null },
  unknown
>((db, bind) =>
  db.insertInto("mail_outbox").values({
    id: bind("id"), recipient: bind("recipient"), subject: bind("subject"), body: bind("body"), status: "pending",
    next_attempt_at: bind("createdAt"), created_at: bind("createdAt"), customer_id: bind("customerId"), kind: bind("kind"),
  }),
);
const markMailSent = prepareQuery<{ id: string; sentAt: number; smtpResponse: string | null }, unknown>((db, bind) =>
  db
    .updateTable("mail_outbox")
    // A delivered code mail needs no body any more: keep who, what and when, drop the code.
    .set({ status: "sent", sent_at: bind("sentAt"), claimed_until: null, last_error: null, body: "", smtp_response: bind("smtpResponse") })
    .where("id", "=", bind("id")),
);

type ClaimValues = { now: number; leaseUntil: number; limit: number; triedAtMost: number };

/** The claim of due mails (one statement), for this dialect, with or without a bound on the attempts so far. */
function claimQuery(db: Kysely<Database>, bind: Bind<ClaimValues>, dialect: DialectName, boundAttempts: boolean) {
  let due = db
    .selectFrom("mail_outbox")
    .select("id")
    .where("status", "=", "pending")
    .where("next_attempt_at", "<=", bind("now"))
    .where((eb) => eb.or([eb("claimed_until", "is", null), eb("claimed_until", "<=", bind("now"))]))
    .orderBy("next_attempt_at")
    .limit(bind("limit"));
  if (boundAttempts) {
    due = due.where("attempts", "<=", bind("triedAtMost"));
  }
  if (dialect === "postgres") {
    // Several instances poll the same table: skip rows another worker is claiming right now.
    due = due.forUpdate().skipLocked();
  }
  // A materialized CTE picks the due rows once. As a plain `IN (subquery)`, PostgreSQL may plan a
  // semi-join that rescans the subquery per row; each rescan skips the rows this statement has
  // just updated and its LIMIT takes the next ones, so one claim leased every due mail.
  // The claim condition is repeated in the UPDATE so a row leased meanwhile is not taken twice.
  return db
    .with((cte) => cte("due").materialized(), () => due)
    .updateTable("mail_outbox")
    .set({ claimed_until: bind("leaseUntil"), attempts: sql`attempts + 1` })
    .where("id", "in", (eb) => eb.selectFrom("due").select("due.id"))
    .where("status", "=", "pending")
    .where((eb) => eb.or([eb("claimed_until", "is", null), eb("claimed_until", "<=", bind("now"))]))
    .returning(["id", "recipient", "subject", "body", "attempts", "created_at"]);
}

export function createOutboxStore(db: Kysely<Database>, dialect: DialectName, sealer: BodySealer): OutboxStore {
  const claimAny = prepareQuery<ClaimValues, ClaimedRow>((query, bind) => claimQuery(query, bind, dialect, false));
  const claimTriedAtMost = prepareQuery<ClaimValues, ClaimedRow>((query, bind) => claimQuery(query, bind, dialect, true));
  return {
    enqueue: (mail: OutboxMail) => enqueueMail(db, sealer, mail),

    async claim(now: number, leaseMs: number, limit: number, options?: { triedAtMost?: number }): Promise<ClaimedMail[]> {
      const claim = options?.triedAtMost === undefined ? claimAny : claimTriedAtMost;
      const { rows } = await claim(db, { now, leaseUntil: now + leaseMs, limit, triedAtMost: options?.triedAtMost ?? 0 });
      return rows.map((row) => ({
        id: row.id,
        recipient: row.recipient,
        subject: row.subject,
        body: sealer.open(row.body),
        attempts: row.attempts,
        createdAt: row.created_at,
      }));
    },

    async markSent(id: string, sentAt: number, smtpResponse?: string | null): Promise<void> {
      await markMailSent(db, { id, sentAt, smtpResponse: relayReply(smtpResponse) });
    },

    async markFailed(id: string, nextAttemptAt: number, error: string): Promise<void> {
      await db
        .updateTable("mail_outbox")
        .set({ next_attempt_at: nextAttemptAt, claimed_until: null, last_error: error.slice(0, 500) })
        .where("id", "=", id)
        .execute();
    },

    async release(ids: string[]): Promise<void> {
      if (ids.length === 0) {
        return;
      }
      await db
        .updateTable("mail_outbox")
        .set({ claimed_until: null, attempts: sql`attempts - 1` })
        .where("id", "in", ids)
        .where("status", "=", "pending")
        .execute();
    },

    async retryNow(now: number): Promise<number> {
      const result = await db
        .updateTable("mail_outbox")
        .set({ next_attempt_at: now })
        .where("status", "=", "pending")
        .where("next_attempt_at", ">", now)
        .executeTakeFirst();
      return Number(result.numUpdatedRows);
    },

    async nextDueAfter(now: number): Promise<number | null> {
      const dueAt = sql<number>`case when claimed_until > next_attempt_at then claimed_until else next_attempt_at end`;
      const row = await db
        .selectFrom("mail_outbox")
        .select((eb) => eb.fn.min<number>(dueAt).as("at"))
        .where("status", "=", "pending")
        .where(dueAt, ">", now)
        .executeTakeFirst();
      return row?.at ?? null;
    },

    async pendingCount(): Promise<number> {
      const row = await db
        .selectFrom("mail_outbox")
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .where("status", "=", "pending")
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },

    async findStuck(criteria: StuckCriteria, limit: number): Promise<StuckMail[]> {
      const rows = await db
        .selectFrom("mail_outbox")
        .select(["id", "attempts", "last_error", "created_at"])
        .where("status", "=", "pending")
        .where((eb) => eb.or([eb("created_at", "<", criteria.queuedBefore), eb("attempts", ">=", criteria.minAttempts)]))
        .orderBy("created_at")
        .limit(limit)
        .execute();
      return rows.map((row) => ({ id: row.id, attempts: row.attempts, lastError: row.last_error, createdAt: row.created_at }));
    },

    async countStuck(criteria: StuckCriteria): Promise<number> {
      const row = await db
        .selectFrom("mail_outbox")
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .where("status", "=", "pending")
        .where((eb) => eb.or([eb("created_at", "<", criteria.queuedBefore), eb("attempts", ">=", criteria.minAttempts)]))
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },
  };
}

// The relay's reply is shown to operators: one line, no control characters, bounded.
const SMTP_RESPONSE_MAX = 200;

function relayReply(response: string | null | undefined): string | null {
  if (response === undefined || response === null) {
    return null;
  }
  const printable = response.replace(/[\u0000-\u001f\u007f-\u009f]/gu, " ").trim();
  return printable === "" ? null : printable.slice(0, SMTP_RESPONSE_MAX);
}
