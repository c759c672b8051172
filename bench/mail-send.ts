/**
 * The server's CPU per mail it sends (issue 23): the login's two mails (the code mail and the login
 * notice) composed and sent over pooled SMTP, the way the transport does now (MessageComposer,
 * nodemailer sends the finished message) against the way it did before (nodemailer composes from
 * the parts), in the same run, interleaved, as a ratio. Only this process's CPU is counted: the
 * SMTP server taking the mails runs in a child process.
 *
 *   bash scripts/node.sh bench/mail-send.ts [--mails 2000] [--rounds 5] [--in-flight 8]
 */
import { fork } from "node:child_process";
import { randomUUID } from "node:crypto";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import nodemailer from "nodemailer";
import MailComposer from "nodemailer/lib/mail-composer";
import { SMTPServer } from "smtp-server";
import { loadConfig } from "../src/config.ts";
import { noticeBody } from "../src/core/mail/notice.ts";
import { buildNotice } from "../src/core/mail/notice-kinds.ts";
import { describeRequestOrigin } from "../src/core/kernel/request-origin.ts";
import { MessageComposer } from "../src/adapters/mail/mime-message.ts";
import { createSmtpTransport, nodemailerMail } from "../src/adapters/mail/smtp-transport.ts";
import type { OutgoingMail } from "../src/adapters/mail/smtp-transport.ts";
import { verpAddress } from "../src/adapters/mail/verp.ts";

const { values: args } = parseArgs({
  options: {
    mails: { type: "string", default: "2000" },
    rounds: { type: "string", default: "5" },
    "in-flight": { type: "string", default: "8" },
    sink: { type: "boolean", default: false },
  },
});

const { config } = loadConfig({});

/** The two mails of a login, as the outbox holds them, for customer `n`. */
function loginMails(n: number): OutgoingMail[] {
  const at = Date.now();
  const origin = describeRequestOrigin({ ip: `10.0.${(n >> 8) & 255}.${n & 255}`, userAgent: "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36", requestId: "bench" });
  const code = buildNotice("login-code", config.brand, { code: String(100000 + (n % 900000)), sentAt: at, expiresAt: at + 600_000, ttlMinutes: 10, ...origin });
  const notice = buildNotice("login", config.brand, { at, newDevice: true, ...origin });
  const to = `customer${n}@example.co.jp`;
  return [code, notice].map((one) => ({ to, subject: one.subject, text: noticeBody(config.brand, "山田 太郎", one), returnPath: verpAddress(randomUUID(), config.bounce.domain) }));
}

/**
 * Each send's deadline (the outbox's is 15 s): short, so that what a deadline costs when it
 * fires after the mail went out (AbortSignal.timeout, the way before) is counted in the round
 * that set it, which waits it out.
 */
const SEND_TIMEOUT_MS = 1000;

async function sendAll(mails: OutgoingMail[], inFlight: number, send: (mail: OutgoingMail) => Promise<unknown>): Promise<number> {
  const started = process.cpuUsage();
  let next = 0;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < mails.length) {
        const mail = mails[next++];
        if (mail !== undefined) {
          await send(mail);
        }
      }
    }),
  );
  await new Promise((resolve) => setTimeout(resolve, SEND_TIMEOUT_MS + 200));
  const used = process.cpuUsage(started);
  return (used.user + used.system) / mails.length;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

async function main(): Promise<void> {
  const count = Number(args.mails);
  const rounds = Number(args.rounds);
  const inFlight = Number(args["in-flight"]);
  const sink = fork(fileURLToPath(import.meta.url), ["--sink"], { execArgv: process.execArgv });
  const port = await new Promise<number>((resolve) => sink.once("message", (message) => resolve(Number(message))));
  const url = `smtp://127.0.0.1:${port}`;
  const from = config.mailFrom;
  const mails = Array.from({ length: count / 2 }, (_, n) => loginMails(n)).flat();

  // Before: nodemailer composes each mail from its parts (what smtp-transport.ts did), same pool.
  const before = nodemailer.createTransport({ url, pool: true, maxConnections: inFlight, maxMessages: 500 });
  const sendBefore = (mail: OutgoingMail): Promise<unknown> => before.sendMail({ ...nodemailerMail(from, mail), signal: AbortSignal.timeout(SEND_TIMEOUT_MS) });
  const after = createSmtpTransport(url, from, { maxConnections: inFlight });
  const sendAfter = (mail: OutgoingMail): Promise<unknown> => after.send(mail, { timeoutMs: SEND_TIMEOUT_MS });

  // Composing alone, no SMTP: nodemailer's MIME tree streamed to a Buffer, against MessageComposer.
  const composer = new MessageComposer(from, { "Auto-Submitted": "auto-generated" });
  const composeBefore = (mail: OutgoingMail): Promise<unknown> => new MailComposer(nodemailerMail(from, mail)).compile().build();
  const composeAfter = async (mail: OutgoingMail): Promise<unknown> => composer.compose(mail);

  const results = { sendBefore: [] as number[], sendAfter: [] as number[], composeBefore: [] as number[], composeAfter: [] as number[] };
  // Warm-up: connections open, code optimised.
  await sendAll(mails.slice(0, 400), inFlight, sendBefore);
  await sendAll(mails.slice(0, 400), inFlight, sendAfter);
  await sendAll(mails.slice(0, 400), inFlight, composeBefore);
  await sendAll(mails.slice(0, 400), inFlight, composeAfter);
  for (let round = 0; round < rounds; round++) {
    results.sendBefore.push(await sendAll(mails, inFlight, sendBefore));
    results.sendAfter.push(await sendAll(mails, inFlight, sendAfter));
    results.composeBefore.push(await sendAll(mails, inFlight, composeBefore));
    results.composeAfter.push(await sendAll(mails, inFlight, composeAfter));
  }
  before.close();
  after.close();
  sink.disconnect();

  const line = (label: string, old: number[], now: number[]): string =>
    `${label}: before ${median(old).toFixed(1)} µs, after ${median(now).toFixed(1)} µs of CPU per mail = ${(median(now) / median(old)).toFixed(2)} × (medians of ${rounds} interleaved rounds of ${count} mails)`;
  process.stdout.write(`${line("compose + send over SMTP", results.sendBefore, results.sendAfter)}\n`);
  process.stdout.write(`${line("compose only", results.composeBefore, results.composeAfter)}\n`);
  process.stdout.write(`rounds, send before: ${results.sendBefore.map((v) => v.toFixed(0)).join(" ")}; after: ${results.sendAfter.map((v) => v.toFixed(0)).join(" ")}\n`);
}

if (args.sink) {
  // The child: an SMTP server that reads and drops every mail.
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS", "AUTH"],
    logger: false,
    onData(stream, _session, callback) {
      stream.on("end", () => callback());
      stream.resume();
    },
  });
  server.listen(0, "127.0.0.1", () => process.send?.((server.server.address() as AddressInfo).port));
  process.on("disconnect", () => process.exit(0));
} else {
  await main();
}
