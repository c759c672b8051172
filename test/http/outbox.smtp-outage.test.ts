import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { sharedTestService } from "../support/test-service.ts";
import type { TestCustomer } from "../support/test-service.ts";
import { SmtpCapture } from "../support/smtp-capture.ts";

describe("the outbox survives an SMTP outage: logins go on, every code mail arrives afterwards", () => {
  const t = sharedTestService();
  let revived: SmtpCapture | null = null;
  // After the service: a relay closes at once only when no pooled connection is left open to it.
  after(() => revived?.close());

  it("delivers every mail queued while the SMTP server was down, once it is back", async () => {
    const port = t.smtp.port;
    await t.smtp.close();
    const customers: TestCustomer[] = [];
    for (let i = 0; i < 10; i += 1) {
      const customer = await t.addCustomer();
      customers.push(customer);
      const response = await t.client().post("/login", { form: { loginId: customer.loginId, password: customer.password } });
      assert.equal(response.statusCode, 303, "the login does not wait for SMTP");
    }
    const db = t.service.database.db;
    // Every mail is tried and refused (connection refused) and waits for its retry.
    await t.drainOutbox();
    const failed = await db.selectFrom("mail_outbox").select(["attempts", "status", "last_error"]).execute();
    assert.ok(failed.every((row) => row.status === "pending" && row.attempts >= 1 && row.last_error !== null), "tried, refused, still pending");

    revived = new SmtpCapture();
    await revived.listen(port);
    // Past the backoff on the service's clock.
    t.clock.advance(10 * 60 * 1000);
    // The worker sends them and records each delivery right after SMTP accepted it.
    await t.drainOutbox();
    const server = revived;
    await server.waitFor(() => server.mails.length >= 10, 10_000);
    for (const customer of customers) {
      const mails = server.mails.filter((mail) => mail.to === customer.email);
      assert.equal(mails.length, 1, `exactly one code mail to ${customer.email}`);
      assert.match(mails[0]?.text ?? "", /認証コード: \d{6}/);
    }
    const rows = await db.selectFrom("mail_outbox").select(["status", "body"]).execute();
    assert.ok(rows.every((row) => row.status === "sent" && row.body === ""), "all sent, bodies dropped");
  });
});
