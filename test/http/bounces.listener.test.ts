import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { sharedTestService, startTestService } from "../support/test-service.ts";
import type { TestService } from "../support/test-service.ts";
import { RawSmtp, dsnMessage } from "../support/raw-smtp.ts";
import { sendToListener, sentMailTo } from "../support/bounces.ts";

/** A customer logs in; their code mail goes out; its outbox ID and return path. */
async function sentCodeMail(t: TestService): Promise<{ customerId: string; mailId: string; returnPath: string }> {
  const customer = await t.addCustomer();
  await t.client().post("/login", { form: { loginId: customer.loginId, password: customer.password } });
  return sentMailTo(t, customer.email);
}

async function outboxRow(t: TestService, id: string) {
  return t.service.database.db.selectFrom("mail_outbox").select(["bounce_state", "bounce_reason", "bounce_status", "bounce_diagnostic", "bounced_at"]).where("id", "=", id).executeTakeFirstOrThrow();
}

async function metric(t: TestService, line: string): Promise<number> {
  const text = await t.service.metrics.registry.metrics();
  const found = text.split("\n").find((l) => l.startsWith(`${line} `));
  return Number(found?.split(" ")[1] ?? Number.NaN);
}

describe("bounces over real SMTP to BOUNCE_LISTEN (issue 22 §1)", () => {
  const t = sharedTestService({ env: { BOUNCE_LISTEN: "127.0.0.1:0" } });

  for (const [status, state, reason, diagnostic] of [
    ["5.2.2", "bounced", "mailbox_full", "552 5.2.2 <hanako@example.co.jp>: Mailbox full"],
    ["5.1.1", "bounced", "no_such_user", "550 5.1.1 <hanako@example.co.jp>: User unknown"],
    ["5.7.1", "bounced", "refused", "550 5.7.1 Message rejected as spam"],
    ["4.4.1", "delayed", "delayed", "451 4.4.1 No answer from host"],
    ["5.4.4", "bounced", "other", "550 5.4.4 Unable to route"],
  ] as const) {
    it(`marks the mail ${state} (${reason}) for a DSN with status ${status}, with an audit event and a metric`, async () => {
      const { customerId, mailId, returnPath } = await sentCodeMail(t);
      const before = await metric(t, `okb_mail_bounces_total{reason="${reason}"}`);
      await sendToListener(t, returnPath, dsnMessage({ returnPath, status, diagnostic }));
      const row = await outboxRow(t, mailId);
      assert.equal(row.bounce_state, state);
      assert.equal(row.bounce_reason, reason);
      assert.equal(row.bounce_status, status);
      assert.equal(row.bounce_diagnostic, `smtp; ${diagnostic}`);
      assert.equal(row.bounced_at, t.clock.now());
      const events = (await t.auditEvents(customerId)).filter((event) => event.event === "mail.bounced");
      assert.equal(events.length, 1);
      assert.deepEqual({ ...events[0]?.detail }, { mailId, kind: "code", state, reason, status });
      assert.equal(await metric(t, `okb_mail_bounces_total{reason="${reason}"}`), before + 1);
    });
  }

  it("counts a repeated DSN once, and a late 4.x.x never turns a bounce back into a delay", async () => {
    const { customerId, mailId, returnPath } = await sentCodeMail(t);
    await sendToListener(t, returnPath, dsnMessage({ returnPath, status: "5.2.2" }));
    await sendToListener(t, returnPath, dsnMessage({ returnPath, status: "5.2.2" }));
    await sendToListener(t, returnPath, dsnMessage({ returnPath, status: "4.2.2" }));
    assert.equal((await outboxRow(t, mailId)).bounce_state, "bounced");
    assert.equal((await t.auditEvents(customerId)).filter((event) => event.event === "mail.bounced").length, 1);
  });

  it("turns a delay into a bounce when the 5.x.x comes later", async () => {
    const { mailId, returnPath } = await sentCodeMail(t);
    await sendToListener(t, returnPath, dsnMessage({ returnPath, status: "4.4.1" }));
    assert.equal((await outboxRow(t, mailId)).bounce_state, "delayed");
    await sendToListener(t, returnPath, dsnMessage({ returnPath, status: "5.1.1" }));
    const row = await outboxRow(t, mailId);
    assert.deepEqual([row.bounce_state, row.bounce_reason], ["bounced", "no_such_user"]);
  });

  it("takes and drops a message that is no DSN (an auto-reply, a DSN without status, a broken MIME), counted, marking nothing", async () => {
    const { mailId, returnPath } = await sentCodeMail(t);
    const before = await metric(t, 'okb_bounce_messages_dropped_total{why="not_dsn"}');
    const autoReply = `From: hanako@example.co.jp\r\nTo: ${returnPath}\r\nSubject: 不在のお知らせ\r\nAuto-Submitted: auto-replied\r\n\r\nStatus: 5.2.2\r\n`;
    const noStatus = dsnMessage({ returnPath, status: "5.2.2" }).replace(/^Status: .*\r\n/m, "");
    const wrongReport = dsnMessage({ returnPath, status: "5.2.2" }).replace("report-type=delivery-status", "report-type=disposition-notification");
    const broken = `Content-Type: multipart/report; report-type=delivery-status; boundary="x"\r\n\r\n--x\r\nContent-Type: message/delivery-status\r\n\r\n\u0000\u0001garbage`;
    for (const raw of [autoReply, noStatus, wrongReport, broken]) {
      await sendToListener(t, returnPath, raw);
    }
    assert.equal((await outboxRow(t, mailId)).bounce_state, null);
    assert.equal(await metric(t, 'okb_bounce_messages_dropped_total{why="not_dsn"}'), before + 4);
  });

  it("drops a 2.x.x report (delivered, relayed) without marking the mail", async () => {
    const { mailId, returnPath } = await sentCodeMail(t);
    await sendToListener(t, returnPath, dsnMessage({ returnPath, status: "2.0.0", action: "delivered" }));
    assert.equal((await outboxRow(t, mailId)).bounce_state, null);
  });

  it("refuses at RCPT with 550 any address but the return path of a mail sent in the last 7 days", async () => {
    const pending = "0b9c2a4e-1f3d-4c5b-9a8e-7d6c5b4a3f21";
    const { client, greeting } = await RawSmtp.open(t.service.bounceListener?.port ?? 0);
    try {
      assert.match(greeting, /^220 /);
      assert.match(await client.command("EHLO mx.example.net"), /^250 /);
      assert.match(await client.command("MAIL FROM:<>"), /^250 /);
      for (const address of [
        `bounce+${pending}@okb-sec.co.jp`,
        "bounce+not-an-id@okb-sec.co.jp",
        "postmaster@okb-sec.co.jp",
        "no-reply@okb-sec.co.jp",
        "someone@gmail.example",
        `bounce+${pending}@evil.example`,
      ]) {
        assert.match(await client.command(`RCPT TO:<${address}>`), /^550 /, address);
      }
      assert.match(await client.command("DATA"), /^503 /, "no recipient, no message");
    } finally {
      client.close();
    }
    const { returnPath } = await sentCodeMail(t);
    t.clock.advance(7 * 24 * 3600_000 + 1000);
    try {
      await assert.rejects(sendToListener(t, returnPath, dsnMessage({ returnPath, status: "5.2.2" })), (error: { responseCode?: number }) => error.responseCode === 550);
    } finally {
      t.clock.advance(-(7 * 24 * 3600_000 + 1000));
    }
  });

  it("refuses a message over 1 MiB with 552 and marks nothing", async () => {
    const { mailId, returnPath } = await sentCodeMail(t);
    const huge = dsnMessage({ returnPath, status: "5.2.2", original: `X-Padding: ${"a".repeat(70)}\r\n`.repeat(16_000) });
    assert.ok(huge.length > 1024 * 1024);
    await assert.rejects(sendToListener(t, returnPath, huge), (error: { responseCode?: number }) => error.responseCode === 552);
    // A client that does not announce SIZE is cut off at DATA the same way.
    const { client } = await RawSmtp.open(t.service.bounceListener?.port ?? 0);
    try {
      await client.command("HELO mx.example.net");
      await client.command("MAIL FROM:<>");
      assert.match(await client.command(`RCPT TO:<${returnPath}>`), /^250 /);
      assert.match(await client.command("DATA"), /^354 /);
      assert.match(await client.command(`${huge.replace(/\r\n\./g, "\r\n..")}\r\n.`), /^552 /);
    } finally {
      client.close();
    }
    assert.equal((await outboxRow(t, mailId)).bounce_state, null);
  });
});

describe("a flood at the bounce listener (issue 22 §1)", () => {
  const t = sharedTestService({ env: { BOUNCE_LISTEN: "127.0.0.1:0" } });

  it("closes a connection after 10 messages with 421, and refuses an address's 61st message in a minute", async () => {
    const port = t.service.bounceListener?.port ?? 0;
    const replies: string[] = [];
    for (let connection = 0; connection < 7; connection += 1) {
      const { client } = await RawSmtp.open(port);
      try {
        await client.command("EHLO mx.example.net");
        for (let message = 0; message < 11; message += 1) {
          const reply = await client.command("MAIL FROM:<>");
          replies.push(`${connection}:${message}:${reply.slice(0, 3)}`);
          if (reply.startsWith("250")) {
            await client.command("RSET");
          } else {
            break;
          }
        }
      } finally {
        client.close();
      }
    }
    const refusedOnConnection = replies.filter((r) => /^\d:10:421$/.test(r));
    assert.equal(refusedOnConnection.length, 6, "the 11th message of each connection: 421 (the 7th connection hit the address limit first)");
    const accepted = replies.filter((r) => r.endsWith(":250"));
    assert.equal(accepted.length, 60, "60 messages a minute from one address");
    assert.match(replies.at(-1) ?? "", /:421$/);
    const limited = await t.service.metrics.registry.metrics();
    assert.match(limited, /okb_bounce_messages_dropped_total\{why="rate_limited"\} 7/);
    t.clock.advance(60_000);
    const { client } = await RawSmtp.open(port);
    try {
      await client.command("EHLO mx.example.net");
      assert.match(await client.command("MAIL FROM:<>"), /^250 /, "a minute later the address may send again");
    } finally {
      client.close();
    }
  });

  it("is off without BOUNCE_LISTEN", async (context) => {
    const plain = await startTestService(context);
    assert.equal(plain.service.bounceListener, null);
  });
});
