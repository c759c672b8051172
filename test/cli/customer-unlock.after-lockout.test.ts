import { it } from "node:test";
import assert from "node:assert/strict";
import { startTestService } from "../support/test-service.ts";
import { runCli } from "../support/run-cli.ts";

// Moved from test/http/lockout.credential-guessing.test.ts: it runs the CLI as a process, so it lives with the CLI tests.
it("an account locked by wrong passwords is unlocked by an operator with the CLI, audited with the reason", async (context) => {
  // Rate limits wide open: only the lockout stops this customer.
  const t = await startTestService(context, { env: { RATE_LIMIT_PASSWORD_PER_LOGIN_ID: "1000/60", RATE_LIMIT_CODE_MAILS_PER_CUSTOMER: "1000/60" } });
  const customer = await t.addCustomer();
  const login = (password: string) => t.client().post("/login", { form: { loginId: customer.loginId, password } });
  for (let i = 0; i < 10; i += 1) {
    await login("wrong password");
  }
  // A reason with a bidi override would show reversed text in the audit log and its CSV: refused, nothing unlocked.
  const hidden = await runCli(["customer", "unlock", customer.loginId, "--reason", "本人確認済み \u202Etxt.exe"], { databaseUrl: t.config.databaseUrl });
  assert.equal(hidden.status, 2, hidden.stderr);
  assert.match(hidden.stderr, /hidden or control character \(U\+202E\)/);
  assert.equal((await login(customer.password)).statusCode, 423, "still locked");
  const run = await runCli(["customer", "unlock", customer.loginId, "--reason", "本人確認済み (ticket 42)"], { databaseUrl: t.config.databaseUrl });
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, new RegExp(`unlocked customer ${customer.loginId}`));
  assert.equal((await login(customer.password)).statusCode, 303, "logs in again after the unlock");
  const unlocked = (await t.auditEvents(customer.customer.id)).find((event) => event.event === "account.unlocked");
  assert.ok(unlocked);
  assert.match(unlocked.actor, /^cli:/);
  assert.equal(unlocked.detail["reason"], "本人確認済み (ticket 42)");
  const again = await runCli(["customer", "unlock", customer.loginId], { databaseUrl: t.config.databaseUrl });
  assert.equal(again.status, 2, "unlocking an account that is not locked is an error");
  assert.match(again.stderr, /not locked/);
});
