import nodemailer from "nodemailer";
import type { SendMailOptions } from "nodemailer";
import { MessageComposer } from "./mime-message.ts";

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  /** The SMTP envelope's MAIL FROM (VERP, verp.ts): where a bounce of this mail goes. Absent: the From address. */
  returnPath?: string;
}

export interface MailTransport {
  /**
   * Rejects if the SMTP server has not accepted the mail within `timeoutMs`; the conversation is then closed.
   * Resolves with the relay's reply line (e.g. "250 2.0.0 Ok: queued as …"), null when there is none.
   */
  send(mail: OutgoingMail, options?: { timeoutMs?: number }): Promise<string | null>;
  verify(): Promise<void>;
  close(): void;
}

/** DKIM signing (RFC 6376) with the brokerage's key, so receivers can tell our mails from forgeries. */
export interface DkimSettings {
  domainName: string;
  keySelector: string;
  privateKey: string;
}

/** nodemailer's timeouts; its defaults (2 min to connect, 10 min of silence) outlive a login code. */
export interface SmtpTimeouts {
  /** To open the TCP (or TLS) connection, DNS included. */
  connectionTimeoutMs: number;
  /** From connected to the server's 220 greeting. */
  greetingTimeoutMs: number;
  /** Silence on an open connection (a command with no reply) before it is dropped. */
  socketTimeoutMs: number;
}

export const DEFAULT_SMTP_TIMEOUTS: SmtpTimeouts = {
  connectionTimeoutMs: 5000,
  greetingTimeoutMs: 5000,
  socketTimeoutMs: 10_000,
};

/**
 * Connections in the pool by default (SMTP_MAX_CONNECTIONS): also how many mails the
 * outbox worker sends at once, so none waits in nodemailer's queue. Each stalled
 * conversation (a relay waiting on a slow mailbox server) holds one connection until
 * its timeout; with 5, ten stalls held every code ~19 s (issue 17 §11). Relays take
 * dozens of connections from one client; the worker also keeps half of them for first tries.
 */
export const SMTP_POOL_CONNECTIONS = 20;

/** RFC 3834: tells auto-responders not to answer. */
const AUTO_SUBMITTED = { "Auto-Submitted": "auto-generated" };

/**
 * The mail as nodemailer composes it from its parts: the way every mail went out before
 * MessageComposer, kept for the texts it leaves to nodemailer and as the reference its
 * messages are compared with (test/unit/mail.raw-message.test.ts).
 */
export function nodemailerMail(from: string, mail: OutgoingMail): SendMailOptions {
  return {
    from,
    to: mail.to,
    subject: mail.subject,
    text: mail.text,
    ...(mail.returnPath === undefined ? {} : { envelope: { from: mail.returnPath, to: mail.to } }),
    headers: { ...AUTO_SUBMITTED },
  };
}

/** The same mail as a message built by MessageComposer; nodemailer only signs (DKIM) and sends it. */
function composedMail(composer: MessageComposer, from: string, mail: OutgoingMail): SendMailOptions {
  const message = composer.compose(mail);
  if (message === null) {
    return nodemailerMail(from, mail);
  }
  // messageId: nodemailer would otherwise draw one of its own for a message it never writes.
  return { raw: message.raw, envelope: message.envelope, messageId: message.messageId };
}

/** SMTP through nodemailer, plain text only (no HTML part means no hidden links). */
export function createSmtpTransport(
  smtpUrl: string,
  from: string,
  options?: { dkim?: DkimSettings | null; timeouts?: Partial<SmtpTimeouts>; maxConnections?: number },
): MailTransport {
  const timeouts = { ...DEFAULT_SMTP_TIMEOUTS, ...options?.timeouts };
  // Pooled: at the 9:00 storm a new TCP + EHLO handshake per code mail costs more than the mail.
  const transporter = nodemailer.createTransport({
    url: smtpUrl,
    pool: true,
    maxConnections: options?.maxConnections ?? SMTP_POOL_CONNECTIONS,
    maxMessages: 500,
    connectionTimeout: timeouts.connectionTimeoutMs,
    greetingTimeout: timeouts.greetingTimeoutMs,
    socketTimeout: timeouts.socketTimeoutMs,
  });
  const dkim = options?.dkim ?? undefined;
  const composer = new MessageComposer(from, AUTO_SUBMITTED);
  return {
    async send(mail: OutgoingMail, sendOptions?: { timeoutMs?: number }): Promise<string | null> {
      const timeoutMs = sendOptions?.timeoutMs;
      // On abort nodemailer closes this mail's pool connection, so the relay cannot accept it
      // after we gave up; the other connections carry on. A timer cleared when the send ends,
      // not AbortSignal.timeout: that one fires long after every mail that went out in time,
      // building an abort error (with its stack) for nothing, once per mail.
      const deadline = timeoutMs === undefined ? null : new AbortController();
      const timer = deadline === null ? null : setTimeout(() => deadline.abort(new DOMException("The operation was aborted due to timeout", "TimeoutError")), timeoutMs).unref();
      try {
        const info = await transporter.sendMail({
          ...composedMail(composer, from, mail),
          // Signs the message as streamed, whoever composed it.
          ...(dkim === undefined ? {} : { dkim }),
          ...(deadline === null ? {} : { signal: deadline.signal }),
        });
        return typeof info.response === "string" ? info.response : null;
      } catch (error) {
        if (timeoutMs !== undefined && (error as { code?: unknown } | null)?.code === "EABORT") {
          throw Object.assign(new Error(`SMTP send timed out after ${timeoutMs} ms`, { cause: error }), { code: "ETIMEDOUT" });
        }
        throw error;
      } finally {
        if (timer !== null) {
          clearTimeout(timer);
        }
      }
    },
    async verify(): Promise<void> {
      await transporter.verify();
    },
    close(): void {
      transporter.close();
    },
  };
}
