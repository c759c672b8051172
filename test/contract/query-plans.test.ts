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
import type { Adapter } from "oidc-provider";
import { createOidcAdapterFactory } from "../../src/adapters/oidc/payload-adapter.ts";
import { purgeExpiredOidcPayloads } from "../../src/adapters/oidc/purge-expired-payloads.ts";
import { createBodySealer } from "../../src/adapters/crypto/body-sealer.ts";
import { deriveKey } from "../../src/adapters/crypto/derive-key.ts";
import { inTransaction } from "../../src/adapters/db/in-transaction.ts";
import { endConnections } from "../../src/adapters/db/oidc-connection-end.ts";
import { createOidcConnectionStore } from "../../src/adapters/db/stores/oidc-connection-store.ts";
import { createOidcLogoutDeliveryStore } from "../../src/adapters/db/stores/oidc-logout-delivery-store.ts";
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

/** Any store made by `make`, the last statement it ran kept. */
function capturing<Store>(db: Kysely<Database>, make: (db: Kysely<Database>) => Store): { store: Store; lastQuery(): CompiledQuery } {
  const { store, queries } = capturingAll(db, make);
  return {
    store,
    lastQuery(): CompiledQuery {
      const last = queries().at(-1);
      if (last === undefined) {
        throw new Error("the store ran no statement");
      }
      return last;
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

// Issue 20 item 9: the OpenID Provider's statements run on every authorization, token request and
// bearer call of the JSON API, and on every session end. BULK_CUSTOMERS rows in each of its tables
// (payloads of every model, connections mostly ended, deliveries mostly delivered), then statistics.
const OIDC_MODELS = ["AccessToken", "RefreshToken", "AuthorizationCode", "Grant", "Session", "Interaction"];

async function fillOidcTables(opened: OpenedDatabase): Promise<void> {
  const { db } = opened.handle;
  await sql`
    with recursive g(n) as (select 1 union all select n + 1 from g where n < ${sql.lit(2_000)})
    insert into customers (id, login_id, email, name, password_hash, mfa_enabled, created_at)
    select 'oidc-' || n, 'oidc' || n, 'oidc' || n || '@example.jp', 'テスト 太郎', 'x', 1, n from g
  `.execute(db);
  const model = sql.raw(`case n % 6 ${OIDC_MODELS.map((name, index) => `when ${index} then '${name}'`).join(" ")} end`);
  await sql`
    with recursive g(n) as (select 1 union all select n + 1 from g where n < ${sql.lit(BULK_CUSTOMERS)})
    insert into oidc_payloads (model, id_hash, payload, grant_id, uid, user_code_hash, expires_at, consumed_at)
    select ${model}, 'hash-' || n, 'sealed',
           case when n % 6 in (4, 5) then null else 'grant-' || (n / 6) end,
           case when n % 6 in (4, 5) then 'uid-' || n else null end,
           null, 1000000000 + n, null from g
  `.execute(db);
  await sql`
    with recursive g(n) as (select 1 union all select n + 1 from g where n < ${sql.lit(BULK_CUSTOMERS)})
    insert into oidc_connections (id, customer_id, client_id, grant_id, sid, session_id_hash, created_at, last_used_at, ended_at, end_reason)
    select 'conn-' || n, 'oidc-' || (n % 2000 + 1), 'client-' || (n % 10), 'grant-' || n, 'sid-' || (n / 2), 'session-' || (n / 3), n, n,
           case when n % 5 = 0 then null else n + 1 end, case when n % 5 = 0 then null else 'logout' end from g
  `.execute(db);
  await sql`
    with recursive g(n) as (select 1 union all select n + 1 from g where n < ${sql.lit(BULK_CUSTOMERS)})
    insert into oidc_logout_deliveries (id, client_id, sub, sid, created_at, attempts, next_attempt_at, claimed_until, delivered_at, given_up_at, last_error)
    select 'delivery-' || n, 'client-' || (n % 10), 'oidc-' || (n % 2000 + 1), 'sid-' || n, n, 1, n, null,
           case when n % 200 = 0 then null else n + 1 end, null, null from g
  `.execute(db);
  for (const table of ["customers", "oidc_payloads", "oidc_connections", "oidc_logout_deliveries"]) {
    await sql`analyze ${sql.table(table)}`.execute(db);
  }
}

/** The plan uses `index` on `table` (named `alias` in the statement) and reads none of the table's rows by a scan. */
function assertUsesIndex(opened: OpenedDatabase, plan: string, table: string, index: string, alias = table): void {
  if (opened.handle.dialect === "postgres") {
    assert.match(plan, new RegExp(`(Index (Only )?Scan( Backward)? using ${index} on ${table})|(Bitmap Index Scan on ${index})`, "u"), plan);
    assert.doesNotMatch(plan, new RegExp(`Seq Scan on ${table}`, "u"), plan);
  } else {
    assert.match(plan, new RegExp(`SEARCH ${alias} USING (COVERING )?INDEX ${index} `, "u"), plan);
    assert.doesNotMatch(plan, new RegExp(`SCAN ${alias}( |$)`, "mu"), plan);
  }
}

/** A value prepareQuery binds later: its one-time build holds these instead (prepared-query.ts). */
const isPlaceholder = (value: unknown): boolean => typeof value === "string" && value.startsWith("\u0000okb-bind:");

/**
 * The statements a store ran, so a test can explain exactly those (the store may run several: a
 * transaction's lock first): those it builds, seen by a plugin as they are compiled, and those it
 * runs already compiled (prepared-query.ts, handed to executeQuery). A prepared query's one-time
 * build (its values still placeholders) is replaced by the statement run with it.
 */
function capturingAll<Store>(db: Kysely<Database>, make: (db: Kysely<Database>) => Store): { store: Store; queries(): CompiledQuery[] } {
  const seen: CompiledQuery[] = [];
  const plugin: KyselyPlugin = {
    transformQuery(args) {
      seen.push(db.getExecutor().compileQuery(args.node, createQueryId()));
      return args.node;
    },
    transformResult(args) {
      return Promise.resolve(args.result);
    },
  };
  const withPlugin = db.withPlugin(plugin);
  // Kysely keeps its state in private fields: every method runs on the real object, executeQuery noted first.
  const watched = new Proxy(withPlugin, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== "function") {
        return value;
      }
      if (property === "executeQuery") {
        return (query: CompiledQuery | { compile(): CompiledQuery }, ...rest: unknown[]) => {
          if ("sql" in query) {
            if (seen.at(-1)?.parameters.some(isPlaceholder) === true) {
              seen.pop();
            }
            seen.push(query);
          }
          return (value as (...args: unknown[]) => unknown).call(target, query, ...rest);
        };
      }
      return (value as (...args: unknown[]) => unknown).bind(target);
    },
  });
  return { store: make(watched), queries: () => [...seen] };
}

/** The one statement whose SQL matches `pattern`. */
function theStatement(queries: CompiledQuery[], pattern: RegExp): CompiledQuery {
  const matching = queries.filter((query) => pattern.test(query.sql));
  assert.equal(matching.length, 1, `one statement matching ${pattern}, among:\n${queries.map((query) => query.sql).join("\n")}`);
  return matching[0] as CompiledQuery;
}

for (const backend of DB_BACKENDS) {
  describe(`the OpenID Provider's statements use indexes (${backend.name})`, () => {
    let opened: OpenedDatabase;
    const clock = new ManualClock(1_000_000_000_000);
    const sealer = createBodySealer(deriveKey("query-plans-test-secret-0123456789abcdef", "oidc-payload-seal"));
    const adapterFor = (db: Kysely<Database>, model: string): Adapter => createOidcAdapterFactory(db, { clock, sealer, findClient: () => Promise.resolve(undefined) })(model);
    before(async () => {
      opened = await backend.open();
      await fillOidcTables(opened);
    });
    after(() => opened.close());

    it("payloads by (model, id_hash): find, consume and destroy of a token through the primary key", async () => {
      const { store, queries } = capturingAll(opened.handle.db, (db) => adapterFor(db, "AccessToken"));
      await store.upsert("token-1", { grantId: "grant-new", kind: "AccessToken" }, 600);
      assert.equal((await store.find("token-1"))?.grantId, "grant-new", "the adapter finds what it wrote");
      await store.consume("token-1");
      await store.destroy("token-1");
      assert.equal(await store.find("token-1"), undefined);
      const pk = opened.handle.dialect === "postgres" ? "oidc_payloads_pk" : "sqlite_autoindex_oidc_payloads_1";
      for (const query of queries().filter((one) => !one.sql.startsWith("insert"))) {
        assertUsesIndex(opened, await explain(opened, query), "oidc_payloads", pk);
      }
    });

    it("payloads by uid (the interaction and the provider's session found by the browser's uid): oidc_payloads_uid", async () => {
      const { store, queries } = capturingAll(opened.handle.db, (db) => adapterFor(db, "Interaction"));
      await store.upsert("interaction-1", { uid: "uid-new", kind: "Interaction" }, 600);
      assert.equal((await store.findByUid("uid-new"))?.["uid"], "uid-new");
      assertUsesIndex(opened, await explain(opened, theStatement(queries(), /^select .*"uid" = /u)), "oidc_payloads", "oidc_payloads_uid");
    });

    it("payloads by grant_id (a grant revoked: a refresh token's reuse, the revocation endpoint): oidc_payloads_grant", async () => {
      const { store, queries } = capturingAll(opened.handle.db, (db) => adapterFor(db, "RefreshToken"));
      await store.upsert("refresh-1", { grantId: "grant-gone", kind: "RefreshToken" }, 600);
      await store.revokeByGrantId("grant-gone");
      assert.equal(await store.find("refresh-1"), undefined, "the grant's token went");
      assertUsesIndex(opened, await explain(opened, theStatement(queries(), /^delete .*"grant_id" = /u)), "oidc_payloads", "oidc_payloads_grant");
    });

    it("payloads expired (the purge every 10 minutes): oidc_payloads_expires", async () => {
      const { store, queries } = capturingAll(opened.handle.db, (db) => ({ purge: (now: number) => purgeExpiredOidcPayloads(db, now) }));
      assert.equal(await store.purge(1_000_000_000 + 12), 12, "the 12 rows expired by then go");
      assertUsesIndex(opened, await explain(opened, theStatement(queries(), /^delete /u)), "oidc_payloads", "oidc_payloads_expires");
    });

    it("connections by session_id_hash (every session end): oidc_connections_session", async () => {
      const { store, queries } = capturingAll(opened.handle.db, (db) => ({ end: (hashes: string[]) => inTransaction(db, (trx) => endConnections(trx, { sessionIdHashes: hashes }, 2_000_000, "logout")) }));
      // session-1500 holds conn-4500 (live), conn-4501 and conn-4502 (ended).
      assert.deepEqual(await store.end(["session-1500"]), { ended: 1, deliveriesQueued: 0 });
      assertUsesIndex(opened, await explain(opened, theStatement(queries(), /^update "oidc_connections"/u)), "oidc_connections", "oidc_connections_session");
    });

    it("connections by customer_id (ご利用中の端末's 連携中のサービス, the console, a lock ending every token): oidc_connections_customer", async () => {
      const { store, queries } = capturingAll(opened.handle.db, (db) => createOidcConnectionStore(db));
      assert.equal((await store.listServices("oidc-11")).length, 1, "oidc-11's live connections are all to client-0");
      assertUsesIndex(opened, await explain(opened, theStatement(queries(), /from "oidc_connections"/u)), "oidc_connections", "oidc_connections_customer", "c");
      await store.endForClient("oidc-12", "client-1", 2_000_000, "revoked");
      assertUsesIndex(opened, await explain(opened, theStatement(queries(), /^update "oidc_connections"/u)), "oidc_connections", "oidc_connections_customer");
    });

    it("connections by grant_id (a code issued, a bearer call's last use): oidc_connections_grant", async () => {
      const { store, queries } = capturingAll(opened.handle.db, (db) => createOidcConnectionStore(db));
      await store.touchGrant("grant-20", 3_000_000);
      assert.equal(await store.isGrantLive("grant-20"), true);
      for (const query of queries()) {
        assertUsesIndex(opened, await explain(opened, query), "oidc_connections", "oidc_connections_grant");
      }
    });

    it("connections by (client_id, sid) (findLive: every bearer call of the JSON API): oidc_connections_client_sid", async () => {
      const { store, queries } = capturingAll(opened.handle.db, (db) => createOidcConnectionStore(db));
      // conn-10 (client-0, sid-5) is live; its grant is not a payload here, so findLive answers null.
      assert.equal(await store.findLive("client-0", "sid-5", 3_000_000), null);
      assertUsesIndex(opened, await explain(opened, theStatement(queries(), /from "oidc_connections"/u)), "oidc_connections", "oidc_connections_client_sid");
    });

    it("logout deliveries due (every worker's poll, on every instance): oidc_logout_deliveries_due", async () => {
      const { store, queries } = capturingAll(opened.handle.db, (db) => createOidcLogoutDeliveryStore(db, opened.handle.dialect));
      const claimed = await store.claim(2_000, 60_000, 50);
      // The undelivered rows are every 200th; those due by 2,000 are ten.
      assert.deepEqual(claimed.map((one) => one.id), Array.from({ length: 10 }, (_, index) => `delivery-${(index + 1) * 200}`));
      assertUsesIndex(opened, await explain(opened, theStatement(queries(), /^with "due"/u)), "oidc_logout_deliveries", "oidc_logout_deliveries_due");
    });
  });
}
