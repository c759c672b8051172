import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { OutboxWorkerSettings } from "../../src/adapters/mail/outbox-settings.ts";
import type { OutboxMail } from "../../src/core/kernel/ports.ts";
import { startTestService } from "../support/test-service.ts";
import type { Teardown, TestService } from "../support/test-service.ts";
import { SmtpCapture } from "../support/smtp-capture.ts";
import { outboxRow, outboxStoreOf, testMail, until } from "../support/outbox-instance.ts";

/**
 * After an outage the mails wait out their backoff (up to 5 minutes). The test
 * clock never moves here: a mail goes out again only if the worker pulls the
 * retries forward itself once the relay answers.
 */
describe("after an SMTP relay outage, the waiting codes go out as soon as the relay answers again", () => {
  /** A service whose relay is down, with `count` mails tried and refused. */
  async function outage(context: Teardown, count: number, outbox: Partial<OutboxWorkerSettings>): Promise<{ t: TestService; port: number; mails: OutboxMail[] }> {
    const t = await startTestService(context, { outbox });
    const port = t.smtp.port;
    await t.smtp.close();
    const store = outboxStoreOf(t);
    const mails: OutboxMail[] = [];
    for (let i = 0; i < count; i += 1) {
      const mail = testMail(t, `waiting${i}@example.co.jp`);
      await store.enqueue(mail);
      mails.push(mail);
    }
    t.service.worker.notify();
    for (const mail of mails) {
      await until(async () => {
        const row = await outboxRow(t, mail.id);
        return row.attempts >= 1 && row.last_error !== null && row.claimed_until === null;
      }, "every mail tried and refused");
      const row = await outboxRow(t, mail.id);
      assert.ok(row.next_attempt_at > t.clock.now(), "waiting for its backoff");
    }
    return { t, port, mails };
  }

  /** The relay back on its old port; closed after the service (teardowns run in order), as it closes at once only when no pooled connection is left open to it. */
  async function revive(context: Teardown, port: number): Promise<SmtpCapture> {
    const relay = new SmtpCapture();
    await relay.listen(port);
    context.after(() => relay.close());
    return relay;
  }

  it("retries every waiting mail when the periodic probe finds the relay back", async (context) => {
    const { t, port, mails } = await outage(context, 3, { relayProbeIntervalMs: 100 });
    const relay = await revive(context, port);
    await relay.waitFor(() => relay.mails.length >= 3, 5000);
    assert.deepEqual(relay.mails.map((mail) => mail.to).sort(), mails.map((mail) => mail.recipient).sort());
    for (const mail of mails) {
      await until(async () => (await outboxRow(t, mail.id)).status === "sent", "the delivery to be recorded");
    }
  });

  it("retries every waiting mail when a new mail gets through, without waiting for a probe", async (context) => {
    const { t, port, mails } = await outage(context, 3, { relayProbeIntervalMs: 60 * 60_000 });
    const relay = await revive(context, port);
    const fresh = testMail(t, "fresh@example.co.jp");
    await outboxStoreOf(t).enqueue(fresh);
    t.service.worker.notify();
    await relay.waitFor((mail) => mail.to === fresh.recipient, 5000);
    await relay.waitFor(() => relay.mails.length >= 4, 5000);
    assert.deepEqual(relay.mails.map((mail) => mail.to).sort(), [...mails, fresh].map((mail) => mail.recipient).sort());
  });
});
