import { after, before } from "node:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "../../src/config.ts";
import type { Config } from "../../src/config.ts";
import { createService } from "../../src/service.ts";
import type { Service } from "../../src/service.ts";
import { buildPasswordHasher, buildStores } from "../../src/wiring/stores.ts";
import { nodeRandom } from "../../src/adapters/crypto/node-random.ts";
import type { StoredAuditEvent } from "../../src/adapters/db/audit-store.ts";
import { registerCustomer } from "../../src/core/customers/customer-registration.ts";
import { registerOperator } from "../../src/core/console/operators/operator-registration.ts";
import { commonPasswordList } from "../../src/adapters/password-list/common-passwords.ts";
import { totpCode } from "../../src/core/console/operators/totp.ts";
import { codeMailSubject } from "../../src/core/mail/code-mails.ts";
import type { Customer, PasswordHasher, Random } from "../../src/core/kernel/ports.ts";
import type { Logger } from "pino";
import type { OutboxWorkerSettings } from "../../src/adapters/mail/outbox-settings.ts";
import type { SmtpTimeouts } from "../../src/adapters/mail/smtp-transport.ts";
import { ManualClock } from "./manual-clock.ts";
import type { LogoutDeliverySettings } from "../../src/adapters/oidc/logout-delivery-worker.ts";
import { registerClient } from "../../src/core/oidc/client-registration.ts";
import type { ClientRegistrationInput, RegisteredClient } from "../../src/core/oidc/client-registration.ts";
import { SmtpCapture } from "./smtp-capture.ts";
import type { CaughtMail } from "./smtp-capture.ts";
import { WebClient } from "./web-client.ts";

export interface TestCustomer {
  loginId: string;
  password: string;
  email: string;
  name: string;
  customer: Customer;
}

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
  /**
   * Start the test clock at the real time (the OpenID Provider's tests: oidc-provider reads the real
   * clock for its tokens and max_age, so auth_time must be on the same one). The clock still moves only when told.
   */
  realTimeClock?: boolean;
  /** Back-channel logout delivery settings over the defaults. */
  logoutDelivery?: Partial<LogoutDeliverySettings>;
  /** Let the service apply due security requests on its own every so many ms (default: never; tests call applyDueSecurityRequests). */
  securityRequestSweepMs?: number;
}

/** What registers a teardown: node:test's TestContext (the `t` of `it("…", async (t) => …)`). */
export interface Teardown {
  after(fn: () => Promise<void>): void;
}

let counter = 0;

/**
 * The real service on a temporary SQLite file, delivering over real SMTP to a
 * catcher on loopback, with a clock the test moves. Made by startTestService
 * (one test) or sharedTestService (the tests of one describe); either closes it.
 */
export class TestService {
  clock = new ManualClock();
  /** The fields below are set once the service has started. */
  service!: Service;
  config!: Readonly<Config>;
  /** The SMTP server on loopback the outbox delivers to. */
  smtp!: SmtpCapture;
  private readonly options: TestServiceOptions | (() => TestServiceOptions | Promise<TestServiceOptions>);
  /** The stores and hasher that add customers and read the audit log, as the CLI would; set by start(). */
  private ready: { stores: ReturnType<typeof buildStores>; hasher: PasswordHasher } | null = null;
  private dir: string | null = null;
  private closed: Promise<void> | null = null;

  constructor(options: TestServiceOptions | (() => TestServiceOptions | Promise<TestServiceOptions>) = {}) {
    this.options = options;
  }

  async start(): Promise<void> {
    const options = typeof this.options === "function" ? await this.options() : this.options;
    if (options.realTimeClock === true) {
      this.clock = new ManualClock(Date.now());
    }
    this.dir = mkdtempSync(join(tmpdir(), "okb-login-test-"));
    this.smtp = new SmtpCapture();
    await this.smtp.listen();
    const { config } = loadConfig({
      NODE_ENV: "test",
      DATABASE_URL: `sqlite:${join(this.dir, "test.sqlite")}`,
      SMTP_URL: this.smtp.url,
      LOG_LEVEL: "silent",
      DEMO_CUSTOMER: "false",
      SERVER_SECRET: "test-secret-test-secret-test-secret-0123",
      // Security requests take effect at approval unless a test sets the wait (issue 17 item 2).
      SECURITY_CHANGE_DELAY_HOURS: "0",
      ...options.env,
    });
    this.config = config;
    this.service = await createService(config, {
      clock: this.clock,
      random: options.random,
      wrapHasher: options.wrapHasher,
      logger: options.logger,
      outbox: { pollIntervalMs: 50, ...options.outbox },
      smtp: options.smtp,
      logoutDelivery: options.logoutDelivery,
      // Due security requests are applied when a test calls applyDueSecurityRequests, never behind its back.
      securityRequestSweepMs: options.securityRequestSweepMs ?? null,
    });
    this.ready = { stores: buildStores(this.service.database, config, { clock: this.clock, random: nodeRandom }), hasher: buildPasswordHasher(config) };
  }

  client(options?: { userAgent?: string; ip?: string }): WebClient {
    return new WebClient(this.service.app, options);
  }

  /** A client of the console's app: its own listener's (CONSOLE_LISTEN) when set, else the main one. */
  consoleWebClient(options?: { userAgent?: string; ip?: string }): WebClient {
    return new WebClient(this.service.consoleApp ?? this.service.app, options);
  }

  async addCustomer(options: { loginId?: string; email?: string; name?: string; password?: string; mfaEnabled?: boolean; birthDate?: string } = {}): Promise<TestCustomer> {
    const { stores, hasher } = this.running();
    counter += 1;
    const loginId = options.loginId ?? `cust${counter}${Date.now() % 100000}`;
    const email = options.email ?? `${loginId}@example.co.jp`;
    const name = options.name ?? "山田 太郎";
    const password = options.password ?? "correct horse battery";
    const customer = await registerCustomer(
      { customers: stores.customers, hasher, clock: this.clock, random: nodeRandom },
      { loginId, email, name, password, birthDate: options.birthDate ?? null, options: { mfaEnabled: options.mfaEnabled ?? true } },
    );
    return { loginId, password, email, name, customer };
  }

  /** Adds an operator as `operator add` would; returns its login ID, password and TOTP secret (base32). */
  /** A relying party, registered as `npm run cli -- client add` does (the secret in clear, once). */
  async addClient(input: Partial<ClientRegistrationInput> & { redirectUris: string[] }): Promise<RegisteredClient> {
    const { stores } = this.running();
    counter += 1;
    return registerClient(
      { clients: stores.oidcClients, clock: this.clock, random: nodeRandom },
      { clientId: `trading-${counter}`, name: "OKB取引サイト", postLogoutRedirectUris: [], backchannelLogoutUri: null, isPublic: false, ...input },
    );
  }

  async addOperator(options: { loginId?: string; name?: string; role?: "agent" | "supervisor"; password?: string } = {}): Promise<{ loginId: string; password: string; totpSecret: string }> {
    const { stores, hasher } = this.running();
    counter += 1;
    const password = options.password ?? "console horse battery";
    const registered = await registerOperator(
      { operators: stores.operators, hasher, clock: this.clock, random: nodeRandom, audit: stores.audit, commonPasswords: commonPasswordList() },
      { loginId: options.loginId ?? `op${counter}${Date.now() % 100000}`, name: options.name ?? "佐藤 花子", role: options.role ?? "agent", password },
      { actor: "test", ip: "127.0.0.1", requestId: "test" },
    );
    return { loginId: registered.loginId, password, totpSecret: registered.totpSecret };
  }

  /**
   * An operator of `role`, logged in to the console (password + TOTP at the test clock's time):
   * the client carries the console cookie. The next TOTP step is used for each login, so two
   * consoles of one operator never replay a code.
   */
  async consoleClient(options: { role?: "agent" | "supervisor"; name?: string } = {}): Promise<{ client: WebClient; loginId: string; operatorId: string }> {
    const operator = await this.addOperator(options);
    const client = this.consoleWebClient();
    const response = await client.post("/console/api/v1/login", { json: { loginId: operator.loginId, password: operator.password, totp: totpCode(operator.totpSecret, this.clock.now()) } });
    if (response.statusCode !== 200) {
      throw new Error(`console login failed: ${response.statusCode} ${response.body}`);
    }
    const stored = await this.running().stores.operators.findByLoginId(operator.loginId);
    return { client, loginId: operator.loginId, operatorId: stored?.id ?? "" };
  }

  /** The stores the test uses (as the CLI would). */
  stores(): ReturnType<typeof buildStores> {
    return this.running().stores;
  }

  /** The customer's audit events, oldest first. */
  auditEvents(customerId: string): Promise<StoredAuditEvent[]> {
    return this.running().stores.audit.forCustomer(customerId);
  }

  /** Waits for the `n`-th (1-based) mail to `email` over SMTP (with `subject`: the n-th with that subject). */
  async mailTo(email: string, n = 1, subject?: string): Promise<CaughtMail> {
    const mine = (): CaughtMail[] => this.smtp.mails.filter((mail) => mail.to === email && (subject === undefined || mail.subject === subject));
    await this.smtp.waitFor(() => mine().length >= n);
    const mail = mine()[n - 1];
    if (mail === undefined) {
      throw new Error(`mail ${n} to ${email} vanished`);
    }
    await this.recordedAsSent(mail);
    return mail;
  }

  /**
   * The SMTP server has the mail a moment before the outbox records it as sent: a test that moves
   * the clock past the outbox's lease meanwhile would see it sent twice. Waits (at most 2 s, real
   * time) until its row, found by the return path's mail ID (verp.ts), is no longer pending.
   */
  private async recordedAsSent(mail: CaughtMail): Promise<void> {
    const id = /^bounce\+([^@]+)@/u.exec(mail.returnPath)?.[1];
    if (id === undefined) {
      return;
    }
    const deadline = Date.now() + 2000;
    while (Date.now() < deadline) {
      const row = await this.service.database.db.selectFrom("mail_outbox").select("status").where("id", "=", id).executeTakeFirst();
      if (row === undefined || row.status !== "pending") {
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  /** Waits for the `n`-th code mail to `email` and returns the code in it. */
  async codeFor(email: string, n = 1): Promise<string> {
    // The n-th code mail: a lock notice to the same address does not count.
    const mail = await this.mailTo(email, n, codeMailSubject(this.config.brand));
    const match = /認証コード: (\d{6})/.exec(mail.text);
    if (match?.[1] === undefined) {
      throw new Error("no code in the mail");
    }
    return match[1];
  }

  /**
   * Delivers every mail due now on the test clock and waits until the outbox
   * worker is idle (OutboxWorker.runOnce); how many mails were tried. After it, a
   * mail that was queued is in the catcher or recorded as failed: a test that
   * expects no mail looks at both instead of waiting a while.
   */
  async drainOutbox(): Promise<number> {
    // The recovery requests answered so far first: their mails join the outbox (issue 17 item 7).
    await this.service.recoveryWorker.runOnce();
    return this.service.worker.runOnce();
  }

  /** The outbox rows not delivered yet (recipient and subject), oldest first. */
  /**
   * Subjects of every mail queued for `email`, delivered or not: written in the request, so no waiting is
   * needed; the recovery requests answered so far are resolved first (their mails come after the answer).
   */
  async queuedSubjects(email: string): Promise<string[]> {
    await this.service.recoveryWorker.runOnce();
    const rows = await this.service.database.db.selectFrom("mail_outbox").select("subject").where("recipient", "=", email).orderBy("created_at").execute();
    return rows.map((row) => row.subject);
  }

  async pendingMails(): Promise<Array<{ recipient: string; subject: string; attempts: number }>> {
    return this.service.database.db
      .selectFrom("mail_outbox")
      .select(["recipient", "subject", "attempts"])
      .where("status", "=", "pending")
      .orderBy("created_at")
      .execute();
  }

  /** Stops the service and the catcher and removes the database; a second call waits for the first. */
  close(): Promise<void> {
    this.closed ??= this.shutDown();
    return this.closed;
  }

  private async shutDown(): Promise<void> {
    // A start that failed half-way leaves some of these unset.
    if (this.service !== undefined) {
      await this.service.close();
    }
    if (this.smtp !== undefined) {
      await this.smtp.close();
    }
    if (this.dir !== null) {
      rmSync(this.dir, { recursive: true, force: true });
    }
  }

  private running(): { stores: ReturnType<typeof buildStores>; hasher: PasswordHasher } {
    if (this.ready === null) {
      throw new Error("the test service is not started yet (sharedTestService starts it in the suite's before hook)");
    }
    return this.ready;
  }
}

/**
 * A service for one test, closed when that test ends (fastify demo's `build(t)`):
 * `it("…", async (t) => { const service = await startTestService(t); … })`.
 */
export async function startTestService(context: Teardown, options: TestServiceOptions = {}): Promise<TestService> {
  const service = new TestService(options);
  // Registered first, so a start that fails half-way is cleaned up too.
  context.after(() => service.close());
  await service.start();
  return service;
}

/**
 * One service for the tests of a describe block: call it in the describe body
 * (`const t = sharedTestService(options)`); it registers a before hook that starts
 * the service and an after hook that closes it. Node 20's SuiteContext has no
 * `after`, and `after()` called inside a before hook runs right after that hook,
 * so both hooks are registered here, where the suite is being declared. Hooks run
 * in the order registered: a before hook registered after this call finds the
 * service started; an after hook that must run before the close (releasing a held
 * request) is registered before it. A function for `options` is called at start.
 */
export function sharedTestService(options: TestServiceOptions | (() => TestServiceOptions | Promise<TestServiceOptions>) = {}): TestService {
  const service = new TestService(options);
  before(() => service.start());
  after(() => service.close());
  return service;
}
