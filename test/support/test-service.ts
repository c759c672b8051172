import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "../../src/config.ts";
import type { Config } from "../../src/config.ts";
import { createService } from "../../src/service.ts";
import type { Service } from "../../src/service.ts";
import { MailCatcher } from "../../src/adapters/mail/mail-catcher.ts";
import type { CaughtMail } from "../../src/adapters/mail/mail-catcher.ts";
import { buildPasswordHasher, buildStores } from "../../src/wiring/stores.ts";
import { nodeRandom } from "../../src/adapters/crypto/node-random.ts";
import type { StoredAuditEvent } from "../../src/adapters/db/audit-store.ts";
import { registerCustomer } from "../../src/core/customer-registration.ts";
import { codeMailSubject } from "../../src/core/code-mail.ts";
import type { Customer, PasswordHasher, Random } from "../../src/core/ports.ts";
import type { Logger } from "pino";
import type { OutboxWorkerSettings } from "../../src/adapters/mail/outbox-worker.ts";
import type { SmtpTimeouts } from "../../src/adapters/mail/smtp-transport.ts";
import { ManualClock } from "./manual-clock.ts";
import { WebClient } from "./web-client.ts";

export interface TestCustomer {
  loginId: string;
  password: string;
  email: string;
  name: string;
  customer: Customer;
}

export interface TestService {
  service: Service;
  config: Readonly<Config>;
  clock: ManualClock;
  /** The SMTP server on loopback the outbox delivers to. */
  smtp: MailCatcher;
  client(options?: { userAgent?: string; ip?: string }): WebClient;
  addCustomer(options?: { loginId?: string; email?: string; name?: string; password?: string; mfaEnabled?: boolean }): Promise<TestCustomer>;
  /** The customer's audit events, oldest first. */
  auditEvents(customerId: string): Promise<StoredAuditEvent[]>;
  /** Waits for the `n`-th (1-based) mail to `email` over SMTP (with `subject`: the n-th with that subject). */
  mailTo(email: string, n?: number, subject?: string): Promise<CaughtMail>;
  /** Waits for the `n`-th code mail to `email` and returns the code in it. */
  codeFor(email: string, n?: number): Promise<string>;
  close(): Promise<void>;
}

let counter = 0;

/**
 * The real service on a temporary SQLite file, delivering over real SMTP to a
 * catcher on loopback, with a clock the test moves.
 */
export interface TestServiceOptions {
  env?: Record<string, string>;
  /** Randomness to use instead of the CSPRNG (to force a repeated code). */
  random?: Random;
  /** Wraps the login's password hasher (to hold a verification, for race tests). */
  wrapHasher?: (hasher: PasswordHasher) => PasswordHasher;
  /** A logger to capture what the service logs. */
  logger?: Logger;
  /** Outbox worker settings over the test defaults (polls every 50 ms). */
  outbox?: Partial<OutboxWorkerSettings>;
  /** SMTP timeouts over the defaults. */
  smtp?: Partial<SmtpTimeouts>;
}

export async function startTestService(options: TestServiceOptions = {}): Promise<TestService> {
  const dir = mkdtempSync(join(tmpdir(), "okb-login-test-"));
  const smtp = new MailCatcher();
  await smtp.listen();
  const { config } = loadConfig({
    NODE_ENV: "test",
    DATABASE_URL: `sqlite:${join(dir, "test.sqlite")}`,
    SMTP_URL: smtp.url,
    LOG_LEVEL: "silent",
    DEMO_CUSTOMER: "false",
    SERVER_SECRET: "test-secret-test-secret-test-secret-0123",
    ...options.env,
  });
  const clock = new ManualClock();
  const service = await createService(config, { clock, random: options.random, wrapHasher: options.wrapHasher, logger: options.logger, outbox: { pollIntervalMs: 50, ...options.outbox }, smtp: options.smtp });
  const stores = buildStores(service.database, config, { clock, random: nodeRandom });
  const { customers } = stores;
  const hasher = buildPasswordHasher(config);

  const mailTo = async (email: string, n = 1, subject?: string): Promise<CaughtMail> => {
    const mine = (): CaughtMail[] => smtp.mails.filter((mail) => mail.to === email && (subject === undefined || mail.subject === subject));
    await smtp.waitFor(() => mine().length >= n);
    const mail = mine()[n - 1];
    if (mail === undefined) {
      throw new Error(`mail ${n} to ${email} vanished`);
    }
    return mail;
  };

  return {
    service,
    config,
    clock,
    smtp,
    client: (options) => new WebClient(service.app, options),
    async addCustomer(options = {}): Promise<TestCustomer> {
      counter += 1;
      const loginId = options.loginId ?? `cust${counter}${Date.now() % 100000}`;
      const email = options.email ?? `${loginId}@example.co.jp`;
      const name = options.name ?? "山田 太郎";
      const password = options.password ?? "correct horse battery";
      const customer = await registerCustomer(
        { customers, hasher, clock, random: nodeRandom },
        { loginId, email, name, password, options: { mfaEnabled: options.mfaEnabled ?? true } },
      );
      return { loginId, password, email, name, customer };
    },
    mailTo,
    auditEvents: (customerId) => stores.audit.forCustomer(customerId),
    async codeFor(email: string, n = 1): Promise<string> {
      // The n-th code mail: a lock notice to the same address does not count.
      const mail = await mailTo(email, n, codeMailSubject(config.brand));
      const match = /認証コード: (\d{6})/.exec(mail.text);
      if (match?.[1] === undefined) {
        throw new Error("no code in the mail");
      }
      return match[1];
    },
    async close(): Promise<void> {
      await service.close();
      await smtp.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
