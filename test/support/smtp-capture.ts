import { MailCatcher } from "../../src/adapters/mail/mail-catcher.ts";
import type { CaughtMail } from "../../src/adapters/mail/mail-catcher.ts";

export type { CaughtMail };

/**
 * The SMTP server on loopback that tests deliver to: the development catcher
 * (the same SMTP conversation, the same parsing), plus what only tests need:
 * waiting for a mail, refusing every mail, and the connection errors it saw.
 */
export class SmtpCapture extends MailCatcher {
  /** When set, every message is refused with 451 (a broken mail server, for fault tests). */
  refuseAll = false;
  /** Connection errors the server reported (a client resetting its connection in the middle of a mail). */
  readonly errors: Error[] = [];
  private readonly waiters = new Set<() => void>();

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

  /** SMTP connections open now (a client's reset shows here once the server has seen it). */
  openConnections(): Promise<number> {
    return new Promise((resolve, reject) => this.server.server.getConnections((error, count) => (error ? reject(error) : resolve(count))));
  }

  protected override refusal(): Error | null {
    return this.refuseAll ? Object.assign(new Error("mailbox unavailable"), { responseCode: 451 }) : null;
  }

  protected override received(): void {
    for (const wake of [...this.waiters]) {
      wake();
    }
  }

  protected override connectionError(error: Error): void {
    this.errors.push(error);
  }
}
