import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { runCli } from "../support/run-cli.ts";
import { openDatabase } from "../../src/adapters/db/connect.ts";
import { createCustomerStore } from "../../src/adapters/db/stores/customer-store.ts";
import { createAuditStore } from "../../src/adapters/db/audit-store.ts";
import { nodeRandom, systemClock } from "../../src/adapters/crypto/node-random.ts";
import type { Customer } from "../../src/core/kernel/ports.ts";
import { sqliteFolders } from "./cli-databases.ts";
import type { SqliteLocation } from "./cli-databases.ts";

async function withStores<T>(databaseUrl: string, use: (stores: { customers: ReturnType<typeof createCustomerStore>; audit: ReturnType<typeof createAuditStore> }) => Promise<T>): Promise<T> {
  const database = openDatabase(databaseUrl);
  try {
    return await use({ customers: createCustomerStore(database.db), audit: createAuditStore(database.db, systemClock, nodeRandom) });
  } finally {
    await database.close();
  }
}

/** A customer locked by one failure (threshold 1), as repeated wrong passwords would leave it. */
async function lockedCustomer(databaseUrl: string, loginId: string): Promise<Customer> {
  return withStores(databaseUrl, async ({ customers }) => {
    const customer = await customers.create({
      id: randomUUID(),
      loginId,
      email: `${loginId}@example.co.jp`,
      name: "山田 太郎",
      passwordHash: "$argon2id$v=19$m=19456,t=2,p=1$placeholder$placeholder",
      mfaEnabled: true,
      createdAt: Date.now(),
    });
    await customers.recordFailure(customer.id, 1, Date.now());
    return customer;
  });
}

/**
 * The operator types the login ID the customer reads out over the phone, often
 * with a Japanese IME on (full-width letters, an ideographic space). Login and
 * `customer add` NFKC-normalise it (normalizeLoginId); unlock must find the same
 * account, or the call center cannot unlock a customer who can log in.
 */
describe("customer unlock normalises the login ID as login and customer add do", () => {
  const folders = sqliteFolders();
  let db: SqliteLocation;

  before(async () => {
    db = await folders.migrated();
  });
  after(() => {
    folders.removeAll();
  });

  const TYPED: [typed: string, loginId: string][] = [
    ["\u3000ｔａｒｏ０１ ", "taro01"], // full-width letters and digits, ideographic space before
    ["  taro02\t", "taro02"], // spaces and a tab around it
    ["ｔａｒｏ03", "taro03"], // full-width letters, half-width digits
  ];
  for (const [typed, loginId] of TYPED) {
    it(`${JSON.stringify(typed)} unlocks ${loginId}`, async () => {
      const customer = await lockedCustomer(db.url, loginId);
      const run = await runCli(["customer", "unlock", typed, "--reason", "本人確認済み (call center)"], { databaseUrl: db.url });
      assert.equal(run.status, 0, run.stderr);
      assert.equal(run.stdout, `unlocked customer ${loginId}\n`);
      await withStores(db.url, async ({ customers, audit }) => {
        const after = await customers.findByLoginId(loginId);
        assert.equal(after?.lockedAt, null);
        assert.equal(after?.failedCount, 0);
        const events = await audit.forCustomer(customer.id);
        assert.deepEqual(
          events.map((event) => event.event),
          ["account.unlocked"],
        );
      });
    });
  }
});
