import type { TestService } from "./test-service.ts";

/** Every row a login, a code check or a logout can write, and the mails delivered so far. */
export interface WrittenState {
  challenges: unknown[];
  sessions: unknown[];
  history: unknown[];
  /** By id only: the outbox worker updates delivery state on its own. */
  outbox: string[];
  audit: unknown[];
  rateLimits: unknown[];
  mails: number;
}

/**
 * What the database and the SMTP catcher hold now. A refused request must leave
 * this unchanged: `assert.deepEqual(await writtenState(t), before)`.
 */
export async function writtenState(t: TestService): Promise<WrittenState> {
  const db = t.service.database.db;
  return {
    challenges: await db.selectFrom("login_challenges").selectAll().orderBy("id").execute(),
    sessions: await db.selectFrom("sessions").selectAll().orderBy("id_hash").execute(),
    history: await db.selectFrom("login_history").selectAll().orderBy("id").execute(),
    outbox: (await db.selectFrom("mail_outbox").select("id").orderBy("id").execute()).map((row) => row.id),
    audit: await db.selectFrom("audit_events").selectAll().orderBy("id").execute(),
    rateLimits: await db.selectFrom("rate_limit_counters").selectAll().orderBy("key").execute(),
    mails: t.smtp.mails.length,
  };
}
