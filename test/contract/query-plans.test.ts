import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { CompiledQuery, createQueryId, sql } from "kysely";
import type { Kysely, KyselyPlugin, RootOperationNode } from "kysely";
import type { Database } from "../../src/adapters/db/schema.ts";
import type { CustomerStore } from "../../src/core/kernel/ports.ts";
import { createCustomerStore } from "../../src/adapters/db/stores/customer-store.ts";
import { createAuditStore } from "../../src/adapters/db/audit-store.ts";
import { nodeRandom } from "../../src/adapters/crypto/node-random.ts";
import { ManualClock } from "../support/manual-clock.ts";
import { DB_BACKENDS, seedCustomer } from "../support/db-backends.ts";
import type { OpenedDatabase } from "../support/db-backends.ts";

// Issue 17 item 6: the login-ID reminder scanned the whole customers table (268 ms a request at
// 900k customers; 40 in parallel kept /healthz waiting 8.6 s). The plans below are those of the
// very statements the store runs (captured as it runs them), explained by each database.
//
// Enough rows, not `enable_seqscan = off`: 20,000 customers and ANALYZE, so PostgreSQL's planner
// chooses the index on its own costs, as it would in production (with a handful of rows a scan is
// cheaper and rightly chosen). SQLite uses a matching index whatever the size.
const BULK_CUSTOMERS = 20_000;

/** A store whose statements are kept, so a test can explain exactly what the store ran. */
function capturingStore(db: Kysely<Database>): { store: CustomerStore; lastQuery(): CompiledQuery } {
  return capturing(db, createCustomerStore);
}

/** Any store made by `make`, its statements kept. */
function capturing<Store>(db: Kysely<Database>, make: (db: Kysely<Database>) => Store): { store: Store; lastQuery(): CompiledQuery } {
  const nodes: RootOperationNode[] = [];
  const plugin: KyselyPlugin = {
    transformQuery(args) {
      nodes.push(args.node);
      return args.node;
    },
    transformResult(args) {
      return Promise.resolve(args.result);
    },
  };
  return {
    store: make(db.withPlugin(plugin)),
    lastQuery(): CompiledQuery {
      const node = nodes.at(-1);
      if (node === undefined) {
        throw new Error("the store ran no statement");
      }
      return db.getExecutor().compileQuery(node, createQueryId());
    },
  };
}

async function explain(opened: OpenedDatabase, query: CompiledQuery): Promise<string> {
  const { db, dialect } = opened.handle;
  if (dialect === "postgres") {
    const result = await db.executeQuery<{ "QUERY PLAN": string }>(CompiledQuery.raw(`explain ${query.sql}`, [...query.parameters]));
    return result.rows.map((row) => row["QUERY PLAN"]).join("\n");
  }
  const result = await db.executeQuery<{ detail: string }>(CompiledQuery.raw(`explain query plan ${query.sql}`, [...query.parameters]));
  return result.rows.map((row) => row.detail).join("\n");
}

/** BULK_CUSTOMERS rows in one statement, then statistics, as a table in use would have. */
async function fillCustomers(opened: OpenedDatabase): Promise<void> {
  const { db } = opened.handle;
  await sql`
    with recursive g(n) as (select 1 union all select n + 1 from g where n < ${sql.lit(BULK_CUSTOMERS)})
    insert into customers (id, login_id, email, name, password_hash, mfa_enabled, created_at)
    select 'bulk-' || n, 'bulk' || n, 'Bulk' || n || '@Example.jp', 'テスト 太郎', 'x', 1, n from g
  `.execute(db);
  await sql`analyze customers`.execute(db);
}

for (const backend of DB_BACKENDS) {
  describe(`customer lookups use an index, not a scan of the table (${backend.name})`, () => {
    let opened: OpenedDatabase;
    before(async () => {
      opened = await backend.open();
      await fillCustomers(opened);
    });
    after(() => opened.close());

    it("findByEmail (the login-ID reminder, the console's search by address): lower(email) through customers_email_lower, already in created_at order", async () => {
      const { store, lastQuery } = capturingStore(opened.handle.db);
      const found = await store.findByEmail("BULK1234@example.JP", 5);
      assert.deepEqual(found.map((customer) => customer.loginId), ["bulk1234"], "the query finds the address whatever its case");
      const plan = await explain(opened, lastQuery());
      assert.match(lastQuery().sql, /lower\("email"\)/u, "the statement the index is for");
      if (opened.handle.dialect === "postgres") {
        assert.match(plan, /Index Scan using customers_email_lower on customers/u, plan);
        assert.doesNotMatch(plan, /Seq Scan|Sort/u, plan);
      } else {
        assert.match(plan, /SEARCH customers USING INDEX customers_email_lower/u, plan);
        assert.doesNotMatch(plan, /SCAN customers|TEMP B-TREE/u, plan);
      }
    });

    it("findByLoginId (the password step, the password reset, the console's customer page): the login_id unique index", async () => {
      const seeded = await seedCustomer(opened.handle);
      const { store, lastQuery } = capturingStore(opened.handle.db);
      assert.equal((await store.findByLoginId(seeded.loginId))?.id, seeded.id);
      const plan = await explain(opened, lastQuery());
      if (opened.handle.dialect === "postgres") {
        assert.match(plan, /Index Scan using customers_login_id_key on customers/u, plan);
        assert.doesNotMatch(plan, /Seq Scan/u, plan);
      } else {
        assert.match(plan, /SEARCH customers USING INDEX sqlite_autoindex_customers_\d+ \(login_id=\?\)/u, plan);
        assert.doesNotMatch(plan, /SCAN customers/u, plan);
      }
    });
  });
}

/**
 * BULK_CUSTOMERS audit rows (issue 21 item 5: マイページ counts the wrong passwords since the
 * previous login), spread over 500 customers and a few kinds of event, then statistics. Sequence
 * numbers far above the chain's own, which this test never appends to.
 */
async function fillAuditEvents(opened: OpenedDatabase): Promise<void> {
  const { db } = opened.handle;
  await sql`
    with recursive g(n) as (select 1 union all select n + 1 from g where n < ${sql.lit(BULK_CUSTOMERS)})
    insert into audit_events (id, at, event, outcome, customer_id, actor, ip, user_agent, request_id, detail, seq, hash)
    select 'bulk-' || n, n, case n % 4 when 0 then 'password.failed' when 1 then 'session.created' when 2 then 'code.sent' else 'password.ok' end,
           'ok', 'bulk-' || (n % 500), 'customer', '192.0.2.1', 'ua', 'r' || n, '{}', 1000000 + n, 'x' from g
  `.execute(db);
  await sql`analyze audit_events`.execute(db);
}

for (const backend of DB_BACKENDS) {
  describe(`マイページ's wrong-password count reads an index, not the audit log (${backend.name})`, () => {
    let opened: OpenedDatabase;
    before(async () => {
      opened = await backend.open();
      await fillAuditEvents(opened);
    });
    after(() => opened.close());

    it("wrongPasswordsAfter: the partial index audit_events_wrong_password (customer, time) of password.failed rows", async () => {
      const { store, lastQuery } = capturing(opened.handle.db, (db) => createAuditStore(db, new ManualClock(), nodeRandom));
      // bulk-0's rows are those with n a multiple of 500: all password.failed (500 is a multiple of 4).
      assert.deepEqual(await store.wrongPasswordsAfter("bulk-0", 10_000), { count: 20, lastAt: 20_000 });
      const plan = await explain(opened, lastQuery());
      if (opened.handle.dialect === "postgres") {
        assert.match(plan, /Index (Only )?Scan using audit_events_wrong_password on audit_events|Bitmap Index Scan on audit_events_wrong_password/u, plan);
        assert.doesNotMatch(plan, /Seq Scan/u, plan);
      } else {
        assert.match(plan, /SEARCH audit_events USING (COVERING )?INDEX audit_events_wrong_password \(customer_id=\? AND at>\?\)/u, plan);
        assert.doesNotMatch(plan, /SCAN audit_events/u, plan);
      }
    });
  });
}
