import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { startTestService } from "../support/test-service.ts";

describe("password storage: argon2id, rehash on parameter change, no truncation, NFKC", () => {
  it("stores argon2id with the configured parameters and rehashes at login when they are raised", async (context) => {
    const before = await startTestService(context, { env: { ARGON2_TIME_COST: "2" } });
    const customer = await before.addCustomer();
    assert.match(customer.customer.passwordHash, /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    const after = await startTestService(context, { env: { ARGON2_TIME_COST: "3", DATABASE_URL: before.config.databaseUrl } });
    const response = await after.client().post("/login", { form: { loginId: customer.loginId, password: customer.password } });
    assert.equal(response.statusCode, 303);
    const row = await after.service.database.db.selectFrom("customers").select("password_hash").where("id", "=", customer.customer.id).executeTakeFirstOrThrow();
    assert.match(row.password_hash, /^\$argon2id\$v=19\$m=19456,t=3,p=1\$/);
    assert.ok((await after.auditEvents(customer.customer.id)).some((event) => event.event === "password.rehashed"));
    const again = await after.client().post("/login", { form: { loginId: customer.loginId, password: customer.password } });
    assert.equal(again.statusCode, 303, "the new hash verifies");
    // Closed here, not last: the first service's teardown removes the database file both use.
    await after.close();
  });

  it("never truncates: a long password that differs only at its end is refused", async (context) => {
    const t = await startTestService(context);
    const long = `${"長いパスワード".repeat(20)}end`;
    const customer = await t.addCustomer({ password: long });
    const truncated = await t.client().post("/login", { form: { loginId: customer.loginId, password: long.slice(0, 72) } });
    assert.equal(truncated.statusCode, 401);
    const differentEnd = await t.client().post("/login", { form: { loginId: customer.loginId, password: `${long.slice(0, -1)}x` } });
    assert.equal(differentEnd.statusCode, 401);
    assert.equal((await t.client().post("/login", { form: { loginId: customer.loginId, password: long } })).statusCode, 303);
  });

  it("normalises passwords with NFKC, so full-width input from an IME matches", async (context) => {
    const t = await startTestService(context);
    const customer = await t.addCustomer({ password: "Secret123!" });
    const response = await t.client().post("/login", { form: { loginId: customer.loginId, password: "Ｓｅｃｒｅｔ１２３！" } });
    assert.equal(response.statusCode, 303);
  });
});
