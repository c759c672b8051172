import { SMTPServer } from "smtp-server";
import { simpleParser } from "mailparser";
import type { AddressInfo } from "node:net";

export interface CaughtMail {
  from: string;
  /** The SMTP envelope's MAIL FROM: where a bounce would go (our VERP address, verp.ts). */
  returnPath: string;
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
 * Development mode shows its mails at /dev/mailbox; tests read codes from a
 * subclass of it (test/support/smtp-capture.ts), so a code reaches a test the
 * same way it reaches a customer: over SMTP.
 */
export class MailCatcher {
  readonly mails: CaughtMail[] = [];
  protected readonly server: SMTPServer;
  private port_ = 0;

  constructor() {
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ["STARTTLS", "AUTH"],
      logger: false,
      size: 1024 * 1024,
      onData: (stream, session, callback) => {
        const refusal = this.refusal();
        if (refusal !== null) {
          stream.resume();
          stream.on("end", () => callback(refusal));
          return;
        }
        simpleParser(stream)
          .then((parsed) => {
            const mail: CaughtMail = {
              from: parsed.from?.text ?? "",
              returnPath: session.envelope.mailFrom === false ? "" : session.envelope.mailFrom.address,
              to: Array.isArray(parsed.to) ? parsed.to.map((a) => a.text).join(", ") : (parsed.to?.text ?? ""),
              subject: parsed.subject ?? "",
              text: parsed.text ?? "",
              headers: parsed.headers,
              html: parsed.html ?? false,
              receivedAt: Date.now(),
            };
            this.mails.push(mail);
            this.received(mail);
            callback();
          })
          .catch((error: unknown) => callback(error instanceof Error ? error : new Error(String(error))));
      },
    });
    // smtp-server re-emits a client's ECONNRESET during a mail transaction on the server.
    // An 'error' event without a listener would end the whole development server: this
    // listener keeps it from the process, whatever connectionError does with it.
    this.server.on("error", (error: Error) => this.connectionError(error));
  }

  /** Listens on 127.0.0.1; `port` 0 (the default) picks a free one. */
  async listen(port = 0): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      // A port in use is reported here, not only to connectionError; once listening, this listener goes.
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

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** An error to refuse the message being sent with, or null to take it (a subclass fakes a broken mail server). */
  protected refusal(): Error | null {
    return null;
  }

  /** A mail was kept in `mails`. */
  protected received(_mail: CaughtMail): void {}

  /** A connection error (a client resetting its connection in the middle of a mail): dropped here. */
  protected connectionError(_error: Error): void {}
}
