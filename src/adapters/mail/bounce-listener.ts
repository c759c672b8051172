import { SMTPServer } from "smtp-server";
import type { SMTPServerDataStream, SMTPServerSession } from "smtp-server";
import type { AddressInfo } from "node:net";
import type { Logger } from "pino";
import type { Clock } from "../../core/kernel/ports.ts";
import type { AuditLog } from "../../core/kernel/ports-audit.ts";
import { bounceOfStatus } from "../../core/mail/bounce.ts";
import type { MailBounceStore } from "../db/mail-bounces.ts";
import { parseDsn } from "./dsn-parser.ts";
import { mailIdOfVerp } from "./verp.ts";

/** Why a message that reached DATA was dropped or refused (okb_bounce_messages_dropped_total{why}). */
export type DroppedWhy = "not_dsn" | "no_failure" | "too_large" | "rate_limited";

export interface BounceListenerSettings {
  /** The return paths' domain (BOUNCE_DOMAIN). */
  domain: string;
  /** A bounce is taken for mails sent this recently (7 days); older ones are refused at RCPT. */
  maxAgeMs: number;
  /** Bytes of one message (1 MiB); more is refused with 552. */
  maxMessageBytes: number;
  /** Messages one connection may send before it is closed with 421. */
  maxMessagesPerConnection: number;
  /** Messages one client address may send per minute; above, MAIL FROM gets 421. */
  maxMessagesPerAddressPerMinute: number;
  /** SMTP connections at once. */
  maxClients: number;
}

export const DEFAULT_BOUNCE_LISTENER_SETTINGS: Omit<BounceListenerSettings, "domain"> = {
  maxAgeMs: 7 * 24 * 3600_000,
  maxMessageBytes: 1024 * 1024,
  maxMessagesPerConnection: 10,
  maxMessagesPerAddressPerMinute: 60,
  maxClients: 50,
};

/** A DSN holds one recipient; a relay may batch a few bounces of ours in one message. */
const MAX_RECIPIENTS = 10;

function smtpError(code: number, message: string): Error {
  return Object.assign(new Error(message), { responseCode: code });
}

/**
 * The inbound SMTP listener for bounces (BOUNCE_LISTEN, issue 22 §1). It takes mail only for
 * `bounce+<mail id>@BOUNCE_DOMAIN` of a mail we sent in the last 7 days (550 at RCPT for any other
 * address, so it is no open relay and no mailbox), reads the delivery status notification and marks
 * the mail bounced or delayed, with an audit event `mail.bounced`. Anything else is taken and dropped,
 * counted. The DSN's text is kept for the call center only; no mail ever quotes it.
 */
export class BounceListener {
  private readonly server: SMTPServer;
  private readonly perAddress = new Map<string, { windowStart: number; count: number }>();
  private readonly perConnection = new Map<string, number>();
  private port_ = 0;

  private readonly deps: {
    store: MailBounceStore;
    audit: AuditLog;
    clock: Clock;
    logger: Logger;
    settings: BounceListenerSettings;
    dropped?: (why: DroppedWhy) => void;
  };

  constructor(deps: BounceListener["deps"]) {
    this.deps = deps;
    const { settings } = deps;
    this.server = new SMTPServer({
      name: settings.domain,
      banner: "bounces only",
      authOptional: true,
      disabledCommands: ["STARTTLS", "AUTH"],
      logger: false,
      size: settings.maxMessageBytes,
      maxClients: settings.maxClients,
      socketTimeout: 30_000,
      // At shutdown a client still talking is cut off after a second, not smtp-server's 30.
      closeTimeout: 1000,
      onConnect: (session, callback) => {
        this.perConnection.set(session.id, 0);
        callback();
      },
      onClose: (session) => {
        this.perConnection.delete(session.id);
      },
      onMailFrom: (_address, session, callback) => callback(this.admit(session)),
      onRcptTo: (address, session, callback) => {
        this.checkRecipient(address.address, session).then(callback, (error: unknown) => {
          deps.logger.error({ err: error }, "bounces: could not look up a return path");
          callback(smtpError(451, "4.3.0 Try again later"));
        });
      },
      onData: (stream, session, callback) => {
        this.receive(stream, session).then(
          () => callback(),
          (error: unknown) => callback(error instanceof Error ? error : new Error(String(error))),
        );
      },
    });
    this.server.on("error", (error: Error) => deps.logger.debug({ err: error }, "bounces: connection error"));
  }

  async listen(host: string, port: number): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      const refused = (error: Error): void => reject(error);
      this.server.once("error", refused);
      this.server.listen(port, host, () => {
        this.server.off("error", refused);
        resolve();
      });
    });
    this.port_ = (this.server.server.address() as AddressInfo).port;
  }

  get port(): number {
    return this.port_;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** The per-connection and per-address limits, counted at MAIL FROM (one message each). */
  private admit(session: SMTPServerSession): Error | null {
    const { settings, clock } = this.deps;
    const onConnection = (this.perConnection.get(session.id) ?? 0) + 1;
    this.perConnection.set(session.id, onConnection);
    if (onConnection > settings.maxMessagesPerConnection) {
      this.deps.dropped?.("rate_limited");
      return smtpError(421, "4.7.0 Too many messages on one connection");
    }
    const now = clock.now();
    const window = this.perAddress.get(session.remoteAddress);
    if (window === undefined || now - window.windowStart >= 60_000) {
      if (this.perAddress.size > 10_000) {
        this.perAddress.clear();
      }
      this.perAddress.set(session.remoteAddress, { windowStart: now, count: 1 });
      return null;
    }
    window.count += 1;
    if (window.count > settings.maxMessagesPerAddressPerMinute) {
      this.deps.dropped?.("rate_limited");
      return smtpError(421, "4.7.0 Too many messages, try again later");
    }
    return null;
  }

  private async checkRecipient(address: string, session: SMTPServerSession): Promise<Error | null> {
    const { store, clock, settings } = this.deps;
    if (session.envelope.rcptTo.length >= MAX_RECIPIENTS) {
      return smtpError(452, "4.5.3 Too many recipients");
    }
    const mailId = mailIdOfVerp(address, settings.domain);
    if (mailId === null || (await store.findSent(mailId, clock.now() - settings.maxAgeMs)) === null) {
      return smtpError(550, "5.1.1 No such recipient");
    }
    return null;
  }

  private async receive(stream: SMTPServerDataStream, session: SMTPServerSession): Promise<void> {
    const { settings, logger } = this.deps;
    const chunks: Buffer[] = [];
    let bytes = 0;
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      bytes += chunk.length;
      if (bytes <= settings.maxMessageBytes) {
        chunks.push(chunk);
      }
    }
    if (stream.sizeExceeded || bytes > settings.maxMessageBytes) {
      this.deps.dropped?.("too_large");
      // smtp-server answers 552 for an oversized message whatever this says.
      throw smtpError(552, "5.3.4 Message too big");
    }
    const dsn = await parseDsn(Buffer.concat(chunks));
    if (dsn === null) {
      this.deps.dropped?.("not_dsn");
      logger.info({ remote: session.remoteAddress }, "bounces: a message that is no delivery status notification was dropped");
      return;
    }
    const bounce = bounceOfStatus(dsn.status);
    if (bounce === null) {
      this.deps.dropped?.("no_failure");
      return;
    }
    for (const recipient of session.envelope.rcptTo) {
      const mailId = mailIdOfVerp(recipient.address, settings.domain);
      if (mailId !== null) {
        await this.record(mailId, bounce, dsn, session);
      }
    }
  }

  private async record(mailId: string, bounce: NonNullable<ReturnType<typeof bounceOfStatus>>, dsn: { status: string; diagnostic: string | null }, session: SMTPServerSession): Promise<void> {
    const { store, audit, clock, logger, settings } = this.deps;
    const mail = await store.findSent(mailId, clock.now() - settings.maxAgeMs);
    if (mail === null || !(await store.mark(mailId, bounce, { status: dsn.status, diagnostic: dsn.diagnostic, at: clock.now() }))) {
      return;
    }
    await audit.record({
      event: "mail.bounced",
      outcome: "info",
      customerId: mail.customerId,
      actor: "system",
      ip: session.remoteAddress,
      userAgent: "",
      requestId: `bounce:${session.id}`,
      detail: { mailId, kind: mail.kind, state: bounce.state, reason: bounce.reason, status: dsn.status },
    });
    logger.info({ mailId, state: bounce.state, reason: bounce.reason, status: dsn.status }, "bounces: a mail came back");
  }
}
