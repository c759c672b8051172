import { SMTPServer } from "smtp-server";
import { simpleParser } from "mailparser";
import type { Readable } from "node:stream";

/**
 * The code from a raw message. Decoding only the text part's transfer encoding
 * keeps the load generator's CPU (which shares the machine with the server) low;
 * anything unexpected falls back to the full parser.
 */
async function readCode(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) {
    chunks.push(chunk as Buffer);
  }
  const raw = Buffer.concat(chunks).toString("latin1");
  const split = raw.indexOf("\r\n\r\n");
  const headers = raw.slice(0, split).toLowerCase();
  const body = raw.slice(split + 4);
  let text = "";
  if (headers.includes("content-transfer-encoding: base64")) {
    text = Buffer.from(body.replace(/\s+/g, ""), "base64").toString("utf8");
  } else if (headers.includes("content-transfer-encoding: quoted-printable")) {
    const bytes = body.replace(/=\r\n/g, "").replace(/=([0-9A-F]{2})/gi, (_match, hex: string) => String.fromCharCode(parseInt(hex, 16)));
    text = Buffer.from(bytes, "latin1").toString("utf8");
  }
  const code = /認証コード: (\d{6})/.exec(text)?.[1];
  if (code !== undefined) {
    return code;
  }
  if (text !== "") {
    // Decoded, and no code in it: a notice (the login notice after each completed login).
    return "";
  }
  const parsed = await simpleParser(Buffer.from(raw, "latin1"));
  return /認証コード: (\d{6})/.exec(parsed.text ?? "")?.[1] ?? "";
}
import type { AddressInfo } from "node:net";
import { performance } from "node:perf_hooks";

interface Arrival {
  code: string;
  at: number;
}

/**
 * The SMTP server the storm's mails go to: indexes codes by recipient so each
 * virtual user waits for its own mail without scanning everyone's.
 */
export class BenchInbox {
  private readonly server: SMTPServer;
  private readonly arrivals = new Map<string, Arrival[]>();
  private readonly waiters = new Map<string, Array<() => void>>();
  private port = 0;
  received = 0;

  constructor() {
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ["STARTTLS", "AUTH"],
      logger: false,
      onData: (stream, session, callback) => {
        const to = session.envelope.rcptTo[0]?.address ?? "";
        readCode(stream)
          .then((code) => {
            this.received += 1;
            if (code === "") {
              // Only code mails are indexed: `nth` counts a customer's codes, whatever notices arrive between them.
              callback();
              return;
            }
            const list = this.arrivals.get(to) ?? [];
            list.push({ code, at: performance.now() });
            this.arrivals.set(to, list);
            for (const wake of this.waiters.get(to) ?? []) {
              wake();
            }
            this.waiters.delete(to);
            callback();
          })
          .catch((error: unknown) => callback(error instanceof Error ? error : new Error(String(error))));
      },
    });
  }

  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", () => resolve()));
    this.port = (this.server.server.address() as AddressInfo).port;
    return `smtp://127.0.0.1:${this.port}`;
  }

  /** The `n`-th code mail (1-based) to `address`: its code and arrival time (performance.now()). */
  async nth(address: string, n: number, timeoutMs = 30_000): Promise<Arrival> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const found = this.arrivals.get(address)?.[n - 1];
      if (found !== undefined) {
        return found;
      }
      if (performance.now() > deadline) {
        throw new Error(`no mail ${n} to ${address} within ${timeoutMs} ms`);
      }
      await new Promise<void>((resolve) => {
        const list = this.waiters.get(address) ?? [];
        list.push(resolve);
        this.waiters.set(address, list);
        setTimeout(resolve, 1000).unref();
      });
    }
  }

  count(address: string): number {
    return this.arrivals.get(address)?.length ?? 0;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
