import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { runCli } from "../support/run-cli.ts";
import { startTestService } from "../support/test-service.ts";
import { CLI_DATABASES } from "./cli-databases.ts";
import type { CliDatabase } from "./cli-databases.ts";
import { OPERATOR_PASSWORD, operatorAddArgs, readOperator } from "./operator-cli-support.ts";
import { openDatabase } from "../../src/adapters/db/connect.ts";
import { nodeRandom, systemClock } from "../../src/adapters/crypto/node-random.ts";
import { loadConfig } from "../../src/config.ts";
import { buildStores } from "../../src/wiring/stores.ts";
import { totpCode } from "../../src/core/console/operators/totp.ts";

/** Locks the operator as LOCKOUT_THRESHOLD wrong factors at login would. */
async function lockOperator(databaseUrl: string, loginId: string): Promise<void> {
  const database = openDatabase(databaseUrl);
  try {
    const stores = buildStores(database, loadConfig({ DATABASE_URL: databaseUrl }).config, { clock: systemClock, random: nodeRandom });
    const operator = await stores.operators.findByLoginId(loginId);
    assert.ok(operator);
    for (let i = 0; i < 3; i += 1) {
      await stores.operators.recordFailure(operator.id, 3, Date.now());
    }
  } finally {
    await database.close();
  }
}

for (const backend of CLI_DATABASES) {
  describe(`operator unlock (CLI, ${backend.name})`, () => {
    let db: CliDatabase;
    before(async () => {
      db = await backend.migrated();
    });
    after(async () => {
      await db.remove();
    });

    it("unlocks a locked operator and clears the failures, audited with the OS user and the reason; a second time is an error", async () => {
      const added = await runCli(operatorAddArgs("locked.op"), { databaseUrl: db.url, stdin: `${OPERATOR_PASSWORD}\n` });
      assert.equal(added.status, 0, added.stderr);
      await lockOperator(db.url, "locked.op");
      const lockedAt = (await readOperator(db.url, "locked.op")).operator?.lockedAt;
      assert.equal(typeof lockedAt, "number");

      const run = await runCli(["operator", "unlock", "ＬＯＣＫＥＤ.op", "--reason", "本人確認済み (ticket 9)"], { databaseUrl: db.url });
      assert.equal(run.status, 0, run.stderr);
      assert.match(run.stdout, /unlocked operator locked\.op/);
      const { operator, audit } = await readOperator(db.url, "locked.op");
      assert.equal(operator?.lockedAt, null);
      assert.equal(operator?.failedCount, 0);
      const unlocked = audit.find((event) => event.event === "operator.unlocked");
      assert.ok(unlocked, JSON.stringify(audit));
      assert.match(unlocked.actor, /^cli:/);
      const detail = JSON.parse(unlocked.detail) as Record<string, unknown>;
      assert.equal(detail["reason"], "本人確認済み (ticket 9)");
      assert.equal(detail["operatorLoginId"], "locked.op");
      assert.equal(detail["lockedAt"], lockedAt);

      const again = await runCli(["operator", "unlock", "locked.op"], { databaseUrl: db.url });
      assert.equal(again.status, 2);
      assert.match(again.stderr, /^error: operator locked\.op is not locked/m);
    });

    it("records the default reason when none is given", async () => {
      const added = await runCli(operatorAddArgs("quiet.op"), { databaseUrl: db.url, stdin: `${OPERATOR_PASSWORD}\n` });
      assert.equal(added.status, 0, added.stderr);
      await lockOperator(db.url, "quiet.op");
      const run = await runCli(["operator", "unlock", "quiet.op"], { databaseUrl: db.url });
      assert.equal(run.status, 0, run.stderr);
      const { audit } = await readOperator(db.url, "quiet.op");
      const detail = audit.filter((event) => event.event === "operator.unlocked").map((event) => JSON.parse(event.detail) as Record<string, unknown>);
      assert.ok(detail.some((entry) => entry["operatorLoginId"] === "quiet.op" && /^unlocked from the command line by cli:/.test(String(entry["reason"]))), JSON.stringify(detail));
    });

    it("answers exit 2 for an unknown login ID, a disabled operator, no ID and an unknown option, and writes nothing", async () => {
      const unknown = await runCli(["operator", "unlock", "nobody.op"], { databaseUrl: db.url });
      assert.equal(unknown.status, 2);
      assert.match(unknown.stderr, /^error: no operator with login ID nobody\.op/m);

      const added = await runCli(operatorAddArgs("gone.op"), { databaseUrl: db.url, stdin: `${OPERATOR_PASSWORD}\n` });
      assert.equal(added.status, 0, added.stderr);
      await lockOperator(db.url, "gone.op");
      assert.equal((await runCli(["operator", "disable", "gone.op"], { databaseUrl: db.url })).status, 0);
      const disabled = await runCli(["operator", "unlock", "gone.op"], { databaseUrl: db.url });
      assert.equal(disabled.status, 2);
      assert.match(disabled.stderr, /^error: operator gone\.op is disabled/m);
      assert.notEqual((await readOperator(db.url, "gone.op")).operator?.lockedAt, null, "the lock stays");

      const none = await runCli(["operator", "unlock"], { databaseUrl: db.url });
      assert.equal(none.status, 2);
      assert.match(none.stderr, /operator unlock: give exactly one login ID/);
      const option = await runCli(["operator", "unlock", "gone.op", "--force"], { databaseUrl: db.url });
      assert.equal(option.status, 2);
      const { audit } = await readOperator(db.url, "gone.op");
      assert.equal(audit.filter((event) => event.event === "operator.unlocked" && event.detail.includes("gone.op")).length, 0);
    });
  });
}

it("an operator locked out of the console by wrong factors logs in again after `operator unlock`", async (context) => {
  // The CLI below runs with DATABASE_URL alone, so on the development secret: the service must seal TOTP secrets with it too.
  const t = await startTestService(context, { env: { LOCKOUT_THRESHOLD: "3", SERVER_SECRET: "development-only-secret-do-not-use-in-production" } });
  const op = await t.addOperator();
  const login = (password: string, totp: string) => t.client().post("/console/api/v1/login", { json: { loginId: op.loginId, password, totp } });
  for (let i = 0; i < 3; i += 1) {
    await login("wrong horse battery", "000000");
  }
  t.clock.advance(30_000);
  assert.equal((await login(op.password, totpCode(op.totpSecret, t.clock.now()))).json().error.code, "5102");
  const run = await runCli(["operator", "unlock", op.loginId, "--reason", "本人確認済み"], { databaseUrl: t.config.databaseUrl });
  assert.equal(run.status, 0, run.stderr);
  t.clock.advance(30_000);
  const after = await login(op.password, totpCode(op.totpSecret, t.clock.now()));
  assert.equal(after.statusCode, 200, after.body);
});
