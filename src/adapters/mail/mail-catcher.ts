import { SMTPServer } from "smtp-server";
import { simpleParser } from "mailparser";
import type { AddressInfo } from "node:net";

export interface CaughtMail {
  from: string;
  to: string;
  subject: string;
  text: string;
  /** Raw header block, for checks on what the mail says about itself. */
  headers: Map<string, unknown>;
  html: string | false;
  receivedAt: number;
}

/**
 * A real SMTP server on loopback that keeps what it receives in memory.
 * Development mode shows its mails at /dev/mailbox; tests read codes from it,
 * so a code reaches a test the same way it reaches a customer: over SMTP.
 */
export class MailCatcher {
  readonly mails: CaughtMail[] = [];
  private readonly server: SMTPServer;
  private readonly waiters = new Set<() => void>();
  private port_ = 0;
  /** When set, every message is refused (a broken mail server, for fault tests). */
  refuseAll = false;

  /**
   * `onError` hears of connection errors (a client resetting its connection in
   * the middle of a mail); without it they are dropped. Either way they never
   * reach the process: an 'error' event without a listener would end the whole
   * development server.
   */
  constructor(options: { onError?: (error: Error) => void } = {}) {
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ["STARTTLS", "AUTH"],
      logger: false,
      size: 1024 * 1024,
      onData: (stream, _session, callback) => {
        if (this.refuseAll) {
          stream.resume();
          stream.on("end", () => callback(Object.assign(new Error("mailbox unavailable"), { responseCode: 451 })));
          return;
        }
        simpleParser(stream)
          .then((parsed) => {
            this.mails.push({
              from: parsed.from?.text ?? "",
              to: Array.isArray(parsed.to) ? parsed.to.map((a) => a.text).join(", ") : (parsed.to?.text ?? ""),
              subject: parsed.subject ?? "",
              text: parsed.text ?? "",
              headers: parsed.headers,
              html: parsed.html ?? false,
              receivedAt: Date.now(),
            });
            for (const wake of this.waiters) {
              wake();
            }
            callback();
          })
          .catch((error: unknown) => callback(error instanceof Error ? error : new Error(String(error))));
      },
    });
    // smtp-server re-emits a client's ECONNRESET during a mail transaction on the server.
    this.server.on("error", (error: Error) => options.onError?.(error));
  }

  /** Listens on 127.0.0.1; `port` 0 picks a free one (a fault test reuses a port to "restart" a server). */
  async listen(port = 0): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      // A port in use is reported here, not only to onError; once listening, this listener goes.
      const refused = (error: Error): void => reject(error);
      this.server.once("error", refused);
      this.server.listen(port, "127.0.0.1", () => {
        this.server.off("error", refused);
        resolve();
      });
    });
    this.port_ = (this.server.server.address() as AddressInfo).port;
  }

  get port(): number {
    return this.port_;
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port_}`;
  }

  /** Resolves with the first mail (received so far or later) that matches; rejects after `timeoutMs`. */
  waitFor(match: (mail: CaughtMail) => boolean, timeoutMs = 5000): Promise<CaughtMail> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const found = this.mails.find(match);
        if (found !== undefined) {
          cleanup();
          resolve(found);
          return true;
        }
        return false;
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`no matching mail within ${timeoutMs} ms (${this.mails.length} received)`));
      }, timeoutMs);
      const cleanup = (): void => {
        clearTimeout(timer);
        this.waiters.delete(wake);
      };
      const wake = (): void => {
        check();
      };
      if (!check()) {
        this.waiters.add(wake);
      }
    });
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
