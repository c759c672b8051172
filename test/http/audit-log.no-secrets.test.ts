import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Writable } from "node:stream";
import { loadConfig } from "../../src/config.ts";
import { createLogger } from "../../src/wiring/logger.ts";
import { sharedTestService } from "../support/test-service.ts";
import { wrongCodeFor } from "../support/codes.ts";

describe("audit log and logs: every security event recorded, no secret written", () => {
  const logLines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      logLines.push(chunk.toString("utf8"));
      callback();
    },
  });
  const t = sharedTestService({ logger: createLogger(loadConfig({ LOG_LEVEL: "trace" }).config, sink) });

  it("records each step with time, customer, IP, User-Agent, outcome and request ID", async () => {
    const customer = await t.addCustomer();
    const browser = t.client({ ip: "198.51.100.23", userAgent: "AuditTest/1.0" });
    await browser.post("/login", { form: { loginId: customer.loginId, password: "wrong password" } });
    await browser.post("/login", { form: { loginId: customer.loginId, password: customer.password } });
    const code = await t.codeFor(customer.email);
    await browser.post("/login/mfa", { form: { code: wrongCodeFor(code) } });
    await browser.post("/login/mfa", { form: { code } });
    await browser.post("/logout", { form: {} });
    const events = await t.auditEvents(customer.customer.id);
    assert.deepEqual(
      events.map((event) => `${event.event}:${event.outcome}`),
      ["password.failed:refused", "password.ok:ok", "code.sent:ok", "code.failed:refused", "code.used:ok", "session.created:ok", "login.notified:info", "session.ended:ok"],
    );
    for (const event of events) {
      assert.equal(event.ip, "198.51.100.23");
      assert.equal(event.userAgent, "AuditTest/1.0");
      assert.match(event.requestId, /^[0-9a-f-]{36}$/);
      assert.equal(event.customerId, customer.customer.id);
    }
    const requestIds = new Set(events.map((event) => event.requestId));
    assert.equal(requestIds.size, 5, "one request ID per request: the password.ok and code.sent of one login share it");
  });

  it("never writes a password, a code or a token into the audit log or the logs", async () => {
    const customer = await t.addCustomer({ password: "a very secret passphrase" });
    const browser = t.client();
    await browser.post("/login", { form: { loginId: customer.loginId, password: customer.password } });
    const code = await t.codeFor(customer.email);
    const preauth = browser.cookies.get("__Host-okb_preauth") ?? "";
    await browser.post("/login/mfa", { form: { code: wrongCodeFor(code) } });
    await browser.post("/login/mfa", { form: { code } });
    const session = browser.cookies.get("__Host-okb_session") ?? "";
    await browser.get("/");
    const audit = JSON.stringify(await t.auditEvents(customer.customer.id));
    const logs = logLines.join("");
    assert.ok(logs.includes("request refused"), "the logs did capture this flow");
    for (const secret of [customer.password, code, wrongCodeFor(code), preauth, session]) {
      assert.ok(secret.length >= 6);
      assert.ok(!audit.includes(secret), `audit log holds ${secret.slice(0, 3)}…`);
      assert.ok(!logs.includes(secret), `logs hold ${secret.slice(0, 3)}…`);
    }
  });
});

describe("log redaction (defence in depth: a careless log line still hides secrets)", () => {
  it("redacts passwords, codes, tokens and cookies wherever they appear in a logged object", () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        lines.push(chunk.toString("utf8"));
        callback();
      },
    });
    const logger = createLogger(loadConfig({ LOG_LEVEL: "info" }).config, sink);
    logger.info({ body: { password: "hunter2-secret", code: "493817" }, result: { sessionToken: "tok-abcdef", preauthToken: "pre-abcdef" } }, "careless");
    logger.info({ req: { headers: { cookie: "__Host-okb_session=tok-abcdef" } } }, "careless request");
    logger.info({ body: { currentPassword: "old-pass-secret", newPassword: "new-pass-secret" }, cookies: { resetToken: "reset-abcdef", deviceToken: "device-abcdef" } }, "careless change");
    logger.info({ body: { loginId: "op1", totp: "271828", pin: "7351", currentPin: "1593", newPin: "8642" } }, "careless console and PIN");
    logger.info({ operator: { totpSecret: "JBSWY3DPEHPK3PXP" }, body: { passkeyResponse: { id: "cred-abcdef" }, response: { id: "cred-ghijkl" } }, key: { pem: "-----BEGIN PRIVATE KEY-----xyz" } }, "careless passkey");
    const output = lines.join("");
    for (const secret of ["hunter2-secret", "493817", "tok-abcdef", "pre-abcdef", "old-pass-secret", "new-pass-secret", "reset-abcdef", "device-abcdef", "271828", "7351", "1593", "8642", "JBSWY3DPEHPK3PXP", "cred-abcdef", "cred-ghijkl", "BEGIN PRIVATE KEY"]) {
      assert.ok(!output.includes(secret), `${secret} leaked`);
    }
    assert.ok(output.includes("[redacted]"));
  });
});
