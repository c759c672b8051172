import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { connect } from "node:net";
import { SmtpCapture } from "../support/smtp-capture.ts";
import { createSmtpTransport } from "../../src/adapters/mail/smtp-transport.ts";

describe("the development mail catcher survives a client that resets its connection", () => {
  // An unhandled 'error' event would end the whole development server: record it instead.
  const uncaught: unknown[] = [];
  const record = (error: unknown): void => {
    uncaught.push(error);
  };
  // The development catcher (MailCatcher) with the test hooks: connection errors land in `errors`.
  let catcher: SmtpCapture;
  before(async () => {
    process.on("uncaughtException", record);
    catcher = new SmtpCapture();
    await catcher.listen();
  });
  after(async () => {
    process.off("uncaughtException", record);
    await catcher.close();
  });

  /** Opens an SMTP conversation, sends `commands` one reply at a time, then resets the connection (RST). */
  async function resetAfter(commands: string[]): Promise<void> {
    const socket = connect(catcher.port, "127.0.0.1");
    // A client error on our side is part of the scenario, not of the test's outcome.
    socket.on("error", () => undefined);
    const reply = (): Promise<void> => new Promise((resolve) => socket.once("data", () => resolve()));
    await reply();
    for (const command of commands) {
      socket.write(`${command}\r\n`);
      await reply();
    }
    socket.resetAndDestroy();
    // The server has seen the reset once it holds no connection any more.
    const deadline = Date.now() + 5000;
    while ((await catcher.openConnections()) > 0) {
      assert.ok(Date.now() < deadline, "the server still holds the reset connection after 5 s");
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  async function deliversAfterwards(to: string): Promise<void> {
    const transport = createSmtpTransport(catcher.url, "OKB証券 <no-reply@okb-sec.co.jp>");
    try {
      await transport.send({ to, subject: "届きますか", text: "本文" });
    } finally {
      transport.close();
    }
    const mail = await catcher.waitFor((caught) => caught.to === to);
    assert.equal(mail.subject, "届きますか");
  }

  it("takes a reset after EHLO and still accepts and delivers the next mail", async () => {
    await resetAfter(["EHLO x"]);
    await deliversAfterwards("after-ehlo-reset@example.co.jp");
    assert.deepEqual(uncaught, [], "no uncaught exception");
  });

  it("takes resets in the middle of a mail (ECONNRESET after MAIL FROM), again and again, and still accepts and delivers the next mail", async () => {
    // smtp-server keeps quiet about a reset outside a mail transaction, not inside one.
    for (let i = 0; i < 3; i += 1) {
      await resetAfter(["EHLO x", "MAIL FROM:<probe@example.net>", "RCPT TO:<someone@example.co.jp>"]);
    }
    await deliversAfterwards("after-mail-reset@example.co.jp");
    assert.deepEqual(uncaught, [], "no uncaught exception");
    assert.ok(
      catcher.errors.some((error) => (error as NodeJS.ErrnoException).code === "ECONNRESET"),
      "the reset reached the catcher's connection-error hook",
    );
  });
});
