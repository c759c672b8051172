import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { verify } from "@node-rs/argon2";
import { runCli } from "../support/run-cli.ts";
import { CLI_DATABASES } from "./cli-databases.ts";
import type { CliDatabase } from "./cli-databases.ts";
import { openDatabase } from "../../src/adapters/db/connect.ts";
import { createCustomerStore } from "../../src/adapters/db/stores/customer-store.ts";
import { createTradingPinStore } from "../../src/adapters/db/stores/trading-pin-store.ts";
import type { TradingPinRecord } from "../../src/core/trading-pin/ports-trading-pin.ts";

interface Written {
  pin: TradingPinRecord | null;
  audit: Array<{ event: string; actor: string; detail: Record<string, unknown> }>;
}

async function addCustomer(databaseUrl: string, loginId: string): Promise<string> {
  const database = openDatabase(databaseUrl);
  try {
    const customer = await createCustomerStore(database.db).create({
      id: `id-${loginId}`,
      loginId,
      email: `${loginId}@example.jp`,
      name: "取引 太郎",
      passwordHash: "$argon2id$v=19$m=19456,t=2,p=1$placeholder$placeholder",
      mfaEnabled: true,
      createdAt: Date.now(),
    });
    return customer.id;
  } finally {
    await database.close();
  }
}

/** The customer's PIN row and the trading PIN audit rows, as the CLI left them. */
async function written(databaseUrl: string, customerId: string): Promise<Written> {
  const database = openDatabase(databaseUrl);
  try {
    const rows = await database.db.selectFrom("audit_events").select(["event", "actor", "detail"]).where("customer_id", "=", customerId).where("event", "like", "trading_pin.%").orderBy("at").execute();
    return { pin: await createTradingPinStore(database.db).find(customerId), audit: rows.map((row) => ({ ...row, detail: JSON.parse(row.detail) as Record<string, unknown> })) };
  } finally {
    await database.close();
  }
}

async function lockPin(databaseUrl: string, customerId: string): Promise<void> {
  const database = openDatabase(databaseUrl);
  try {
    const pins = createTradingPinStore(database.db);
    for (let i = 0; i < 5; i += 1) {
      await pins.recordFailure(customerId, 5, Date.now());
    }
  } finally {
    await database.close();
  }
}

for (const backend of CLI_DATABASES) {
  describe(`customer set-trading-pin (CLI, ${backend.name})`, () => {
    let db: CliDatabase;
    before(async () => {
      db = await backend.migrated();
    });
    after(async () => {
      await db.remove();
    });

    it("sets the PIN read from standard input (full-width digits typed with the IME are digits), argon2id, audited with the OS user; the PIN is never echoed", async () => {
      const customerId = await addCustomer(db.url, "pin.first");
      const run = await runCli(["customer", "set-trading-pin", "ＰＩＮ.first", "--reason", "口座開設 (ticket 7)"], { databaseUrl: db.url, stdin: "２５８０\n" });
      assert.equal(run.status, 0, run.stderr);
      assert.match(run.stdout, /set the trading PIN of customer pin\.first/);
      assert.doesNotMatch(run.stdout + run.stderr, /2580|２５８０/);
      const { pin, audit } = await written(db.url, customerId);
      assert.ok(pin);
      assert.match(pin.pinHash, /^\$argon2id\$/);
      assert.equal(await verify(pin.pinHash, "2580"), true, "stored as the ASCII digits");
      assert.deepEqual([pin.failedCount, pin.lockedAt], [0, null]);
      assert.equal(audit.length, 1);
      assert.equal(audit[0]?.event, "trading_pin.changed");
      assert.match(audit[0]?.actor ?? "", /^cli:/);
      assert.deepEqual(audit[0]?.detail, { by: "cli", reason: "口座開設 (ticket 7)", firstPin: true, lockLifted: false });
      assert.doesNotMatch(JSON.stringify(audit), /2580/);
    });

    it("refuses PINs the rules refuse with exit 2 and writes nothing: too short, too long, letters, one digit repeated, straight runs up and down", async () => {
      const customerId = await addCustomer(db.url, "pin.refused");
      for (const [typed, rule] of [["123", "format"], ["123456789", "format"], ["12a4", "format"], ["1111", "repeated"], ["１１１１１１", "repeated"], ["1234", "sequence"], ["0123", "sequence"], ["4321", "sequence"], ["98765", "sequence"]] as const) {
        const run = await runCli(["customer", "set-trading-pin", "pin.refused"], { databaseUrl: db.url, stdin: `${typed}\n` });
        assert.equal(run.status, 2, `${typed}: ${run.stderr}`);
        assert.match(run.stderr, new RegExp(`^error: the trading PIN is refused \\(${rule}\\)`), typed);
        assert.equal(run.stderr.includes(typed), false, "the refused PIN is not echoed");
      }
      assert.deepEqual(await written(db.url, customerId), { pin: null, audit: [] });
    });

    it("an unknown login ID, no PIN on standard input or no ID at all: exit 2, nothing written", async () => {
      const unknown = await runCli(["customer", "set-trading-pin", "nobody.here"], { databaseUrl: db.url, stdin: "2580\n" });
      assert.equal(unknown.status, 2);
      assert.match(unknown.stderr, /no customer with login ID nobody\.here/);
      const customerId = await addCustomer(db.url, "pin.empty");
      const empty = await runCli(["customer", "set-trading-pin", "pin.empty"], { databaseUrl: db.url, stdin: "" });
      assert.equal(empty.status, 2);
      assert.match(empty.stderr, /no PIN on standard input/);
      const noId = await runCli(["customer", "set-trading-pin"], { databaseUrl: db.url, stdin: "2580\n" });
      assert.equal(noId.status, 2);
      assert.deepEqual(await written(db.url, customerId), { pin: null, audit: [] });
    });

    it("replacing a locked PIN sets the new one, lifts the lock and starts the count again (audited as such)", async () => {
      const customerId = await addCustomer(db.url, "pin.locked");
      assert.equal((await runCli(["customer", "set-trading-pin", "pin.locked"], { databaseUrl: db.url, stdin: "2580\n" })).status, 0);
      await lockPin(db.url, customerId);
      assert.equal(typeof (await written(db.url, customerId)).pin?.lockedAt, "number");
      const run = await runCli(["customer", "set-trading-pin", "pin.locked"], { databaseUrl: db.url, stdin: "741963\r\n" });
      assert.equal(run.status, 0, run.stderr);
      const { pin, audit } = await written(db.url, customerId);
      assert.deepEqual([pin?.failedCount, pin?.lockedAt], [0, null]);
      assert.equal(await verify(pin?.pinHash ?? "", "741963"), true);
      assert.equal(await verify(pin?.pinHash ?? "", "2580"), false);
      assert.deepEqual(audit.at(-1)?.detail, { by: "cli", reason: `trading PIN set from the command line by ${audit.at(-1)?.actor}`, firstPin: false, lockLifted: true });
    });
  });
}
