import { SMTPServer } from "smtp-server";
import { simpleParser } from "mailparser";
import type { AddressInfo } from "node:net";

/** What the server saw, in the order it happened. */
export interface StallEvent {
  kind: "stalled" | "received" | "stall-ended";
  /** The recipient, for "stalled" and "received". */
  to: string;
  at: number;
}

/**
 * An SMTP relay on loopback that takes the first message's DATA and never
 * answers it: the connection stays open until the client gives up (or the
 * server closes). Every later message is accepted at once. It reproduces the
 * incident "one stalled DATA phase held the next customers' codes".
 */
export class StallingSmtpServer {
  readonly events: StallEvent[] = [];
  private readonly server: SMTPServer;
  private readonly waiters = new Set<() => void>();
  private stalledSession: string | null = null;
  /** Conversations held so far (each has one mail whose DATA got no answer). */
  private readonly stalledSessions = new Set<string>();
  private port_ = 0;

  /**
   * `stallTo`: stall every message to a matching recipient (a slow mailbox server behind
   * the relay), not only the first message.
   */
  constructor(options?: { stallTo?: (recipient: string) => boolean }) {
    const stallTo = options?.stallTo ?? null;
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ["STARTTLS", "AUTH"],
      logger: false,
      // close() cuts the stalled conversation instead of waiting 30 s for it.
      closeTimeout: 50,
      onData: (stream, session, callback) => {
        simpleParser(stream)
          .then((parsed) => {
            const to = Array.isArray(parsed.to) ? parsed.to.map((a) => a.text).join(", ") : (parsed.to?.text ?? "");
            if (stallTo === null ? this.stalledSession === null : stallTo(to)) {
              // Never calls back: the client waits for a reply to its DATA that does not come.
              this.stalledSession = session.id;
              this.stalledSessions.add(session.id);
              this.record("stalled", to);
              return;
            }
            this.record("received", to);
            callback();
          })
          .catch((error: unknown) => callback(error instanceof Error ? error : new Error(String(error))));
      },
      onClose: (session) => {
        if (this.stalledSessions.has(session.id)) {
          this.record("stall-ended", "");
        }
      },
    });
    // A client that gives up resets its socket; that is expected here.
    this.server.on("error", () => undefined);
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", () => resolve()));
    this.port_ = (this.server.server.address() as AddressInfo).port;
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port_}`;
  }

  /** Recipients of the messages accepted so far. */
  received(): string[] {
    return this.events.filter((event) => event.kind === "received").map((event) => event.to);
  }

  /** Resolves once `check` holds; rejects after `timeoutMs` saying what it waited for. */
  waitFor(check: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
    return new Promise((resolve, reject) => {
      const wake = (): void => {
        if (check()) {
          clearTimeout(timer);
          this.waiters.delete(wake);
          resolve();
        }
      };
      const timer = setTimeout(() => {
        this.waiters.delete(wake);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; events: ${JSON.stringify(this.events.map((event) => event.kind))}`));
      }, timeoutMs);
      this.waiters.add(wake);
      wake();
    });
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private record(kind: StallEvent["kind"], to: string): void {
    this.events.push({ kind, to, at: Date.now() });
    for (const wake of [...this.waiters]) {
      wake();
    }
  }
}
