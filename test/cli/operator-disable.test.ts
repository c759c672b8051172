import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { runCli } from "../support/run-cli.ts";
import { CLI_DATABASES } from "./cli-databases.ts";
import type { CliDatabase } from "./cli-databases.ts";
import { OPERATOR_PASSWORD, operatorAddArgs, readOperator } from "./operator-cli-support.ts";

for (const backend of CLI_DATABASES) {
  describe(`operator disable (CLI, ${backend.name})`, () => {
    let db: CliDatabase;
    before(async () => {
      db = await backend.migrated();
    });
    after(async () => {
      await db.remove();
    });

    it("disables an operator, audited with the OS user and the reason; a second time is an error", async () => {
      const added = await runCli(operatorAddArgs("leaver.op"), { databaseUrl: db.url, stdin: `${OPERATOR_PASSWORD}\n` });
      assert.equal(added.status, 0, added.stderr);
      const run = await runCli(["operator", "disable", "LEAVER.op", "--reason", "退職 (ticket 7)"], { databaseUrl: db.url });
      assert.equal(run.status, 0, run.stderr);
      assert.match(run.stdout, /disabled operator leaver\.op/);
      const { operator, audit } = await readOperator(db.url, "leaver.op");
      assert.ok(operator?.disabledAt !== null && operator?.disabledAt !== undefined);
      const disabled = audit.find((event) => event.event === "operator.disabled");
      assert.ok(disabled, JSON.stringify(audit));
      assert.match(disabled.actor, /^cli:/);
      const detail = JSON.parse(disabled.detail) as Record<string, unknown>;
      assert.equal(detail["reason"], "退職 (ticket 7)");
      assert.equal(detail["operatorLoginId"], "leaver.op");

      const again = await runCli(["operator", "disable", "leaver.op"], { databaseUrl: db.url });
      assert.equal(again.status, 2);
      assert.match(again.stderr, /already disabled/);
    });

    it("answers exit 2 for an unknown login ID, and for no ID", async () => {
      const run = await runCli(["operator", "disable", "nobody.op"], { databaseUrl: db.url });
      assert.equal(run.status, 2);
      assert.match(run.stderr, /^error: no operator with login ID nobody\.op/m);
      const none = await runCli(["operator", "disable"], { databaseUrl: db.url });
      assert.equal(none.status, 2);
    });
  });
}
