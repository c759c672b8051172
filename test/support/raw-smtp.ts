import { connect } from "node:net";
import type { Socket } from "node:net";

/**
 * A bare SMTP client over a socket: sends one command at a time and returns each reply's
 * code, so a test sees exactly which command a server refused (nodemailer hides that).
 */
export class RawSmtp {
  private buffer = "";
  private waiting: ((line: string) => void) | null = null;
  private readonly replies: string[] = [];

  private readonly socket: Socket;

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.setEncoding("utf8");
    socket.on("data", (data: string) => {
      this.buffer += data;
      this.drain();
    });
    socket.on("close", () => {
      this.buffer += "000 closed\r\n";
      this.drain();
    });
  }

  static async open(port: number, host = "127.0.0.1"): Promise<{ client: RawSmtp; greeting: string }> {
    const socket = connect(port, host);
    await new Promise<void>((resolve, reject) => socket.once("connect", resolve).once("error", reject));
    const client = new RawSmtp(socket);
    const greeting = await client.reply();
    return { client, greeting };
  }

  /** Sends a line and resolves with the whole reply (its last line); "000 closed" when the server hung up. */
  async command(line: string): Promise<string> {
    if (!this.socket.destroyed) {
      this.socket.write(`${line}\r\n`);
    }
    return this.reply();
  }

  close(): void {
    this.socket.destroy();
  }

  private reply(): Promise<string> {
    const ready = this.replies.shift();
    if (ready !== undefined) {
      return Promise.resolve(ready);
    }
    return new Promise((resolve) => {
      this.waiting = resolve;
    });
  }

  private drain(): void {
    for (;;) {
      const end = this.buffer.indexOf("\r\n");
      if (end < 0) {
        return;
      }
      const line = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      // "250-..." continues a multi-line reply; "250 ..." ends it.
      if (/^\d{3}-/.test(line)) {
        continue;
      }
      const waiter = this.waiting;
      if (waiter !== null) {
        this.waiting = null;
        waiter(line);
      } else {
        this.replies.push(line);
      }
    }
  }
}

/** An RFC 3464 delivery status notification as a receiving MTA writes it, for the mail whose return path is `returnPath`. */
export function dsnMessage(options: { returnPath: string; status: string; action?: string; diagnostic?: string; original?: string }): string {
  const boundary = "dsn-boundary-0001";
  const action = options.action ?? (options.status.startsWith("4") ? "delayed" : "failed");
  return [
    "From: Mail Delivery System <MAILER-DAEMON@mx.example.net>",
    `To: ${options.returnPath}`,
    "Subject: Undelivered Mail Returned to Sender",
    "Auto-Submitted: auto-replied",
    "MIME-Version: 1.0",
    `Content-Type: multipart/report; report-type=delivery-status; boundary="${boundary}"`,
    "",
    `--${boundary}`,
    "Content-Type: text/plain; charset=us-ascii",
    "",
    "This is the mail system at host mx.example.net. Your message could not be delivered. Call 03-0000-0000 and visit https://evil.example/ now.",
    "",
    `--${boundary}`,
    "Content-Type: message/delivery-status",
    "",
    "Reporting-MTA: dns; mx.example.net",
    "Arrival-Date: Mon, 7 Dec 2026 09:30:01 +0900",
    "",
    "Final-Recipient: rfc822; hanako@example.co.jp",
    "Original-Recipient: rfc822;hanako@example.co.jp",
    `Action: ${action}`,
    `Status: ${options.status}`,
    "Remote-MTA: dns; mailbox.example.co.jp",
    `Diagnostic-Code: smtp; ${options.diagnostic ?? "550 5.1.1 <hanako@example.co.jp>: Recipient address rejected"}`,
    "",
    `--${boundary}`,
    "Content-Type: text/rfc822-headers",
    "",
    options.original ?? "Subject: =?UTF-8?B?44CQT0tC6Ki85Yi444CR?=",
    "",
    `--${boundary}--`,
    "",
  ].join("\r\n");
}
