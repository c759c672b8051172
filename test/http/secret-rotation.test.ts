import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { secretKeyId } from "../../src/adapters/crypto/keyring.ts";
import { totpCode } from "../../src/core/console/operators/totp.ts";
import { TestService } from "../support/test-service.ts";
import type { TestCustomer } from "../support/test-service.ts";
import { WebClient } from "../support/web-client.ts";

const A = "rotation-test-secret-A-0123456789abcdef";
const B = "rotation-test-secret-B-fedcba9876543210";

/** An SMTP URL nobody listens on: the relay refuses every connection, so mails stay queued. */
async function refusingRelayUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `smtp://127.0.0.1:${port}`;
}

/** The same browser (its cookies and CSRF token) after the service behind it restarted. */
function sameBrowser(browser: WebClient, service: TestService): WebClient {
  const next = service.client();
  for (const [name, value] of browser.cookies) {
    next.cookies.set(name, value);
  }
  next.csrfToken = browser.csrfToken;
  return next;
}

async function passwordStep(service: TestService, customer: TestCustomer): Promise<WebClient> {
  const browser = service.client();
  const response = await browser.post("/login", { form: { loginId: customer.loginId, password: customer.password } });
  assert.equal(response.statusCode, 303);
  assert.equal(response.headers.location?.startsWith("/login/mfa"), true);
  return browser;
}

async function codeStep(browser: WebClient, code: string): Promise<void> {
  const response = await browser.post("/login/mfa", { form: { code } });
  assert.equal(response.statusCode, 303, response.body);
  assert.equal(response.headers.location, "/", "logged in: on to マイページ");
}

async function storedKeyIds(service: TestService, email: string): Promise<{ codes: string[]; bodies: string[] }> {
  const db = service.service.database.db;
  const customer = await db.selectFrom("customers").select("id").where("email", "=", email).executeTakeFirstOrThrow();
  const codes = await db.selectFrom("login_challenges").select("code_hmac").where("customer_id", "=", customer.id).orderBy("sent_at").execute();
  const bodies = await db.selectFrom("mail_outbox").select("body").where("recipient", "=", email).orderBy("created_at").execute();
  return { codes: codes.map((row) => row.code_hmac.split(":")[0] ?? ""), bodies: bodies.map((row) => row.body.split(":").slice(0, 2).join(":")) };
}

async function operatorKeyIds(service: TestService): Promise<string[]> {
  const rows = await service.service.database.db.selectFrom("operators").select("totp_secret").execute();
  return rows.map((row) => row.totp_secret.split(":").slice(0, 2).join(":"));
}

async function consoleLogin(service: TestService, operator: { loginId: string; password: string; totpSecret: string }): Promise<void> {
  const response = await service.client().post("/console/api/v1/login", {
    json: { loginId: operator.loginId, password: operator.password, totp: totpCode(operator.totpSecret, service.clock.now()) },
  });
  assert.equal(response.statusCode, 200, response.body);
}

/**
 * Issue 22 §4: SERVER_SECRET=A, codes pending and mails queued (the relay refuses); a restart on the
 * same database with SERVER_SECRETS=B,A; the pending code verifies, the queued mails go out readable,
 * new codes and mails use B, operators' TOTP secrets are sealed again with B; then SERVER_SECRETS=B
 * alone, and what was made under B still works, the operators' console logins too.
 */
describe("rotating the server secret while codes are pending and mails are queued (issue 22 §4)", () => {
  it("loses nothing: SERVER_SECRET=A → SERVER_SECRETS=B,A → SERVER_SECRETS=B", async (t) => {
    const dir = mkdtempSync(join(tmpdir(), "okb-login-rotation-"));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const DATABASE_URL = `sqlite:${join(dir, "shared.sqlite")}`;
    const idA = secretKeyId(A);
    const idB = secretKeyId(B);

    // 1. SERVER_SECRET=A; the relay refuses: both code mails wait in the outbox, sealed with A.
    const first = new TestService({ env: { DATABASE_URL, SMTP_URL: await refusingRelayUrl(), SERVER_SECRET: A } });
    t.after(() => first.close());
    await first.start();
    const pending = await first.addCustomer();
    const queued = await first.addCustomer();
    const operator = await first.addOperator();
    const pendingBrowser = await passwordStep(first, pending);
    const queuedBrowser = await passwordStep(first, queued);
    await first.drainOutbox();
    assert.deepEqual((await first.pendingMails()).map((mail) => mail.recipient).sort(), [pending.email, queued.email].sort(), "both mails wait");
    assert.deepEqual(await storedKeyIds(first, pending.email), { codes: [idA], bodies: [`aesgcm2:${idA}`] }, "the key ID is stored with the HMAC and the sealed body");
    assert.deepEqual(await operatorKeyIds(first), [`aesgcm2:${idA}`]);
    await first.close();

    // 2. SERVER_SECRETS=B,A on the same database, a relay that takes mail.
    const second = new TestService({ env: { DATABASE_URL, SERVER_SECRET: "", SERVER_SECRETS: `${B},${A}` } });
    t.after(() => second.close());
    await second.start();
    second.clock.advance(60_000);
    await second.drainOutbox();
    assert.deepEqual(await second.pendingMails(), [], "the mails sealed with A went out");
    const pendingCode = await second.codeFor(pending.email);
    await codeStep(sameBrowser(pendingBrowser, second), pendingCode);
    await codeStep(sameBrowser(queuedBrowser, second), await second.codeFor(queued.email));
    // The operator's TOTP secret, sealed with A, was sealed again with B at the start.
    assert.deepEqual(await operatorKeyIds(second), [`aesgcm2:${idB}`]);
    await consoleLogin(second, operator);

    // New codes and mails under B: one delivered and pending, one left queued (the relay now answers 451).
    const later = await second.addCustomer();
    const laterBrowser = await passwordStep(second, later);
    const laterCode = await second.codeFor(later.email);
    await second.drainOutbox();
    second.smtp.refuseAll = true;
    const waiting = await second.addCustomer();
    const waitingBrowser = await passwordStep(second, waiting);
    await second.drainOutbox();
    assert.deepEqual((await second.pendingMails()).map((mail) => mail.recipient), [waiting.email]);
    assert.deepEqual((await storedKeyIds(second, later.email)).codes, [idB], "new codes use B, the first key");
    assert.deepEqual(await storedKeyIds(second, waiting.email), { codes: [idB], bodies: [`aesgcm2:${idB}`] }, "new codes and mails use B");
    await second.close();

    // 3. SERVER_SECRETS=B: A has left; what B made still works.
    const third = new TestService({ env: { DATABASE_URL, SERVER_SECRET: "", SERVER_SECRETS: B } });
    t.after(() => third.close());
    await third.start();
    third.clock.advance(120_000);
    await third.drainOutbox();
    assert.deepEqual(await third.pendingMails(), []);
    await codeStep(sameBrowser(laterBrowser, third), laterCode);
    await codeStep(sameBrowser(waitingBrowser, third), await third.codeFor(waiting.email));
    await consoleLogin(third, operator);
  });
});
