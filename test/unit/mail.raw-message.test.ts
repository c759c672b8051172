import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { generateKeyPairSync, randomUUID } from "node:crypto";
import nodemailer from "nodemailer";
import * as qp from "nodemailer/lib/qp";
import DataStream from "nodemailer/lib/smtp-connection/data-stream";
import { simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";
import type { AddressInfo } from "node:net";
import { loadConfig } from "../../src/config.ts";
import { noticeBody } from "../../src/core/mail/notice.ts";
import { MessageComposer } from "../../src/adapters/mail/mime-message.ts";
import type { ComposedMail } from "../../src/adapters/mail/mime-message.ts";
import { quotedPrintable } from "../../src/adapters/mail/quoted-printable.ts";
import { createSmtpTransport, nodemailerMail } from "../../src/adapters/mail/smtp-transport.ts";
import type { OutgoingMail } from "../../src/adapters/mail/smtp-transport.ts";
import { verpAddress } from "../../src/adapters/mail/verp.ts";
import { brand, everyMail } from "../support/notice-fixtures.ts";

// The transport builds each message itself (mime-message.ts) and hands nodemailer the finished
// bytes. What a customer receives must not change by a byte: for every mail the product sends,
// the message on the wire equals the one nodemailer composed from the same parts before, and
// decodes to the same subject, addresses and text.

const config = loadConfig({}).config;
const FROM = config.mailFrom;
const AUTO_SUBMITTED = { "Auto-Submitted": "auto-generated" };
const TO = "taro.yamada+okb@example.co.jp";

/** What nodemailer's MIME tree streams for a mail (the bytes its SMTP and DKIM stages read), with its envelope. */
async function composedByNodemailer(from: string, mail: OutgoingMail, dkim?: { domainName: string; keySelector: string; privateKey: string }): Promise<{ raw: Buffer; envelope: unknown; messageId: string }> {
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true });
  const info = await transport.sendMail({ ...nodemailerMail(from, mail), ...(dkim === undefined ? {} : { dkim }) });
  return { raw: info.message as Buffer, envelope: info.envelope, messageId: info.messageId };
}

/** The same, for a message handed over whole (`raw`), as the transport now does. */
async function sentRaw(options: { raw: Buffer; envelope: { from: string; to: string }; messageId: string }, dkim?: { domainName: string; keySelector: string; privateKey: string }): Promise<{ raw: Buffer; envelope: unknown; messageId: string }> {
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true });
  const info = await transport.sendMail({ ...options, ...(dkim === undefined ? {} : { dkim }) });
  return { raw: info.message as Buffer, envelope: info.envelope, messageId: info.messageId };
}

/** A message as SMTP's DATA stage sends it (nodemailer's DataStream: bare CR and LF as CRLF, leading dots doubled, the final "."). */
function onTheWire(message: Buffer): string {
  const stream = new DataStream();
  const chunks: Buffer[] = [];
  stream.on("data", (chunk: Buffer) => chunks.push(chunk));
  stream.end(message);
  return Buffer.concat(chunks).toString("latin1");
}

function headerValue(raw: Buffer, name: string): string {
  const head = raw.toString("latin1").split("\r\n\r\n")[0] ?? "";
  const line = new RegExp(`^${name}: (.*)$`, "m").exec(head);
  assert.ok(line !== null, `${name} header present`);
  return (line[1] ?? "").trim();
}

/** The composer's message with nodemailer's Date and Message-ID, so the two can be compared byte for byte. */
function composedLike(composer: MessageComposer, mail: ComposedMail, reference: Buffer): Buffer {
  const message = composer.compose(mail, { date: new Date(headerValue(reference, "Date")), messageId: headerValue(reference, "Message-ID") });
  assert.ok(message !== null, "the composer builds this mail");
  return message.raw;
}

/** RFC 5322 §2.1.1: lines of at most 78 characters (998 at most), CRLF only. */
function assertLines(raw: Buffer): void {
  const text = raw.toString("latin1");
  assert.doesNotMatch(text, /\r(?!\n)|(?<!\r)\n/, "no bare CR or LF: SMTP's DATA stage has nothing to insert");
  for (const line of text.split("\r\n")) {
    assert.ok(line.length <= 78, `line of ${line.length} > 78: ${line}`);
  }
}

const MAILS = everyMail().map((mail) => ({ name: mail.name, subject: mail.notice.subject, text: noticeBody(brand, mail.customerName, mail.notice) }));

describe("every mail, built by MessageComposer, is the message nodemailer built (mime-message.ts)", () => {
  const composer = new MessageComposer(FROM, AUTO_SUBMITTED);

  for (const { name, subject, text } of MAILS) {
    it(`${name}: byte for byte, with and without a return path, and decoded to the same subject, addresses and text`, async () => {
      for (const returnPath of [verpAddress(randomUUID(), config.bounce.domain), undefined]) {
        const mail: OutgoingMail = { to: TO, subject, text, ...(returnPath === undefined ? {} : { returnPath }) };
        const before = await composedByNodemailer(FROM, mail);
        const raw = composedLike(composer, mail, before.raw);
        assert.equal(onTheWire(raw), onTheWire(before.raw));
        assertLines(raw);

        // Handed over whole, nodemailer streams these bytes as they are, with the same envelope.
        const message = composer.compose(mail, { messageId: headerValue(before.raw, "Message-ID"), date: new Date(headerValue(before.raw, "Date")) });
        assert.ok(message !== null);
        const after = await sentRaw(message);
        assert.ok(after.raw.equals(raw));
        assert.deepEqual(after.envelope, before.envelope);
        assert.equal(after.messageId, before.messageId);

        const [old, now] = await Promise.all([simpleParser(before.raw), simpleParser(after.raw)]);
        assert.equal(now.subject, subject);
        assert.equal(now.text, text, "the text the customer reads");
        assert.equal(now.from?.text, old.from?.text);
        assert.equal(now.to && !Array.isArray(now.to) ? now.to.text : null, TO);
        assert.equal(now.html, false);
        for (const header of ["subject", "from", "to", "date", "message-id", "mime-version", "content-type", "content-transfer-encoding", "auto-submitted"]) {
          assert.deepEqual(now.headers.get(header), old.headers.get(header), header);
        }
        assert.equal(now.text, old.text);
      }
    });
  }

  it("draws a Message-ID of nodemailer's form on the domain of the envelope's MAIL FROM, and a fresh Date", async () => {
    const bounce = verpAddress(randomUUID(), "Bounce.OKB-Sec.example");
    const before = await composedByNodemailer(FROM, { to: TO, subject: "s", text: "t", returnPath: bounce });
    const id = /^<[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}@(.+)>$/;
    const message = composer.compose({ to: TO, subject: "s", text: "t", returnPath: bounce });
    assert.ok(message !== null);
    assert.equal(id.exec(message.messageId)?.[1], id.exec(before.messageId)?.[1]);
    assert.equal(id.exec(message.messageId)?.[1], "bounce.okb-sec.example");
    const noReturnPath = composer.compose({ to: TO, subject: "s", text: "t" });
    assert.equal(id.exec(noReturnPath?.messageId ?? "")?.[1], config.brand.mailDomain);
    assert.notEqual(message.messageId, noReturnPath?.messageId);
    assert.ok(Math.abs(Date.parse(headerValue(message.raw, "Date")) - Date.now()) < 5000);
  });

  it("signs (DKIM) the composed message exactly as it signed nodemailer's", async () => {
    const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const dkim = { domainName: config.brand.mailDomain, keySelector: "okb2026", privateKey: privateKey.export({ type: "pkcs8", format: "pem" }).toString() };
    const mail = { to: TO, subject: MAILS[0]?.subject ?? "", text: MAILS[0]?.text ?? "", returnPath: verpAddress(randomUUID(), config.bounce.domain) };
    const before = await composedByNodemailer(FROM, mail, dkim);
    const message = composer.compose(mail, { messageId: headerValue(before.raw, "Message-ID"), date: new Date(headerValue(before.raw, "Date")) });
    assert.ok(message !== null);
    const after = await sentRaw(message, dkim);
    assert.match(after.raw.toString("latin1"), /^DKIM-Signature: v=1; a=rsa-sha256;/);
    assert.equal(onTheWire(after.raw), onTheWire(before.raw));
  });

  it("builds what nodemailer builds for other texts: ASCII (7bit), long ASCII lines, mostly Japanese (base64), CR, dots, a From with an upper-case domain", async () => {
    const texts = [
      "Your code: 123456\n",
      "no final line break",
      `${"x".repeat(120)}\n.starts with a dot\n`,
      `${"認証コード".repeat(200)}\nabc\n`,
      "line one\r\nline two\rthree\n",
      "=3D 1/2 = 50% \u00e9\u00e8 \ud83d\ude00 lone \ud800 surrogate\n",
      `${"ab ".repeat(40)}\n\t \t\nend.\n`,
    ];
    const upperFrom = "OKB Securities <No-Reply@OKB-SEC.CO.JP>";
    const other = new MessageComposer(upperFrom, AUTO_SUBMITTED);
    const encodings = new Set<string>();
    for (const text of texts) {
      for (const [from, withComposer] of [[FROM, composer], [upperFrom, other]] as const) {
        const mail = { to: "Someone@Example.COM", subject: "Plain ASCII subject that is long enough to need folding at seventy-six", text };
        const before = await composedByNodemailer(from, mail);
        assert.equal(onTheWire(composedLike(withComposer, mail, before.raw)), onTheWire(before.raw), JSON.stringify(text));
        encodings.add(headerValue(before.raw, "Content-Transfer-Encoding"));
      }
    }
    assert.deepEqual([...encodings].sort(), ["7bit", "base64", "quoted-printable"]);
  });

  it("leaves to nodemailer the texts it would stream otherwise: empty, ending in a space or tab, over 64 KiB", () => {
    for (const text of ["", "ends in a space ", "ends in a tab\t", "あ".repeat(30_000)]) {
      assert.equal(composer.compose({ to: TO, subject: "s", text }), null, JSON.stringify(text.slice(0, 20)));
    }
  });
});

describe("quoted-printable.ts wraps as nodemailer's qp.wrap(qp.encode(text), 76), with CRLF line breaks", () => {
  it("on random texts of Japanese, ASCII, spaces, punctuation, '=' and line breaks", () => {
    const pieces = ["a", "Z", "0", "F", " ", "\t", ".", ",", "!", "?", "=", "-", "\n", "\n\n", "認", "証", "ー", "é", "😀", "abcdefghij", "\u00a0", "ｱ"];
    let seed = 7;
    const random = (): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x7fffffff;
    };
    for (let n = 0; n < 10_000; n++) {
      // Runs of one piece too: long lines with no place to break, all escapes, all ASCII.
      const favourite = pieces[Math.floor(random() * pieces.length)] ?? "";
      const bias = random();
      let text = "";
      const length = Math.floor(random() * 500);
      while (text.length < length) {
        text += random() < bias ? favourite : (pieces[Math.floor(random() * pieces.length)] ?? "");
      }
      assert.equal(quotedPrintable(text).toString("latin1"), qp.wrap(qp.encode(text), 76).replace(/(?<!\r)\n/g, "\r\n"), JSON.stringify(text));
    }
  });
});

interface Received {
  mailFrom: string;
  rcptTo: string[];
  data: Buffer;
}

/** An SMTP server on loopback that keeps each conversation's envelope and DATA bytes as they came. */
async function recordingServer(context: { after: (fn: () => Promise<void>) => void }): Promise<{ url: string; received: Received[] }> {
  const received: Received[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS", "AUTH"],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", () => {
        const { mailFrom, rcptTo } = session.envelope;
        received.push({ mailFrom: mailFrom === false ? "" : mailFrom.address, rcptTo: rcptTo.map((one) => one.address), data: Buffer.concat(chunks) });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  context.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { url: `smtp://127.0.0.1:${(server.server.address() as AddressInfo).port}`, received };
}

/** DATA with the two values drawn per message (Date, Message-ID) blanked. */
function withoutDrawnValues(data: Buffer): string {
  return data.toString("latin1").replace(/^Date: .*$/m, "Date: -").replace(/^Message-ID: .*$/m, "Message-ID: -");
}

describe("the SMTP transport sends the composed message as nodemailer sent its own", () => {
  it("the same MAIL FROM (VERP), RCPT TO and DATA on the wire as nodemailer's own composing, for the code mail and the login notice", async (context) => {
    const { url, received } = await recordingServer(context);
    const transport = createSmtpTransport(url, FROM);
    const reference = nodemailer.createTransport({ url });
    context.after(() => {
      transport.close();
      reference.close();
    });
    const kinds = MAILS.filter((mail) => mail.name === "login-code" || mail.name === "login.new-device");
    assert.equal(kinds.length, 2);
    for (const { subject, text } of kinds) {
      for (const returnPath of [verpAddress(randomUUID(), config.bounce.domain), undefined]) {
        const mail: OutgoingMail = { to: TO, subject, text, ...(returnPath === undefined ? {} : { returnPath }) };
        await transport.send(mail);
        await reference.sendMail(nodemailerMail(FROM, mail));
        const [now, old] = received.splice(0, 2);
        assert.ok(now !== undefined && old !== undefined);
        assert.equal(now.mailFrom, returnPath ?? `no-reply@${config.brand.mailDomain}`);
        assert.equal(now.mailFrom, old.mailFrom);
        assert.deepEqual(now.rcptTo, [TO]);
        assert.deepEqual(now.rcptTo, old.rcptTo);
        assert.equal(withoutDrawnValues(now.data), withoutDrawnValues(old.data));
        assert.equal((await simpleParser(now.data)).text, text);
      }
    }
  });

  it("sends a text the composer leaves to nodemailer (ending in a space) the way it always did", async (context) => {
    const { url, received } = await recordingServer(context);
    const transport = createSmtpTransport(url, FROM);
    context.after(() => transport.close());
    const text = "認証コード: 123456 ";
    await transport.send({ to: TO, subject: "【OKB証券】認証コードのお知らせ", text });
    const parsed = await simpleParser(received[0]?.data ?? Buffer.alloc(0));
    assert.equal(parsed.text, text);
    assert.equal(parsed.headers.get("auto-submitted"), "auto-generated");
  });
});
