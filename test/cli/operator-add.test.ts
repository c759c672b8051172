import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { runCli } from "../support/run-cli.ts";
import { createArgon2Hasher } from "../../src/adapters/crypto/argon2-hasher.ts";
import { totpCode, verifyTotp } from "../../src/core/console/operators/totp.ts";
import { CLI_DATABASES } from "./cli-databases.ts";
import type { CliDatabase } from "./cli-databases.ts";
import { OPERATOR_PASSWORD, operatorAddArgs, readOperator } from "./operator-cli-support.ts";

const URI = /^otpauth:\/\/totp\/OKB%E8%A8%BC%E5%88%B8%20Console:([a-z0-9._-]+)\?secret=([A-Z2-7]{32})&issuer=OKB%E8%A8%BC%E5%88%B8%20Console&algorithm=SHA1&digits=6&period=30\n$/;

const hasher = createArgon2Hasher({ memoryKiB: 19456, timeCost: 2, parallelism: 1 });

for (const backend of CLI_DATABASES) {
  describe(`operator add (CLI, ${backend.name})`, () => {
    let db: CliDatabase;
    before(async () => {
      db = await backend.migrated();
    });
    after(async () => {
      await db.remove();
    });

    it("adds an operator and prints, once, an otpauth:// URI whose secret makes the codes the stored one verifies", async () => {
      const run = await runCli(operatorAddArgs("Suzuki.Op", { role: "supervisor" }), { databaseUrl: db.url, stdin: `${OPERATOR_PASSWORD}\n` });
      assert.equal(run.status, 0, run.stderr);
      const match = URI.exec(run.stdout);
      assert.ok(match, run.stdout);
      assert.equal(match[1], "suzuki.op", "the login ID as stored (lower case)");
      const secret = match[2] ?? "";
      assert.ok(!run.stdout.includes(OPERATOR_PASSWORD) && !run.stderr.includes(OPERATOR_PASSWORD), "the password is never printed");

      const { operator, audit } = await readOperator(db.url, "suzuki.op");
      assert.ok(operator !== null);
      assert.equal(operator.role, "supervisor");
      assert.equal(operator.name, "窓口 花子");
      assert.equal(operator.disabledAt, null);
      assert.equal(await hasher.verify(operator.passwordHash, OPERATOR_PASSWORD), true);
      const now = Date.now();
      assert.equal(verifyTotp(operator.totpSecret, totpCode(secret, now), now), Math.floor(now / 30_000), "a code from the printed secret verifies");
      assert.ok(audit.some((event) => event.event === "operator.added" && event.actor.startsWith("cli:")), JSON.stringify(audit));
    });

    it("refuses a login ID that is taken, in any case, and writes nothing", async () => {
      const first = await runCli(operatorAddArgs("dup.op"), { databaseUrl: db.url, stdin: `${OPERATOR_PASSWORD}\n` });
      assert.equal(first.status, 0, first.stderr);
      const again = await runCli(operatorAddArgs("DUP.op", { name: "別人" }), { databaseUrl: db.url, stdin: `${OPERATOR_PASSWORD}\n` });
      assert.equal(again.status, 2);
      assert.match(again.stderr, /^error: .*already exists/m);
      assert.equal(again.stdout, "", "no URI for a refused operator");
      assert.equal((await readOperator(db.url, "dup.op")).operator?.name, "窓口 花子");
    });

    it("refuses a role other than agent or supervisor, and writes nothing", async () => {
      const before = (await readOperator(db.url, "x")).count;
      const run = await runCli(operatorAddArgs("role.op", { role: "admin" }), { databaseUrl: db.url, stdin: `${OPERATOR_PASSWORD}\n` });
      assert.equal(run.status, 2);
      assert.match(run.stderr, /^error: .*role must be one of agent, supervisor/m);
      assert.equal((await readOperator(db.url, "role.op")).count, before);
    });

    it("refuses a weak password (short, common, the login ID) and a missing one, and writes nothing", async () => {
      const before = (await readOperator(db.url, "x")).count;
      for (const [password, message] of [
        ["short1", /too short/],
        ["password123", /common passwords/],
        ["weakling.op", /must not be the login ID/],
      ] as const) {
        const run = await runCli(operatorAddArgs("weakling.op"), { databaseUrl: db.url, stdin: `${password}\n` });
        assert.equal(run.status, 2, password);
        assert.match(run.stderr, message);
        assert.ok(!run.stderr.includes(password) || password === "weakling.op", "the password is not quoted");
      }
      const none = await runCli(operatorAddArgs("weakling.op"), { databaseUrl: db.url, stdin: "" });
      assert.equal(none.status, 2);
      assert.match(none.stderr, /no password on standard input/);
      assert.equal((await readOperator(db.url, "weakling.op")).count, before);
    });
  });
}
