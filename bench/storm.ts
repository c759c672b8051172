import { performance } from "node:perf_hooks";
import { BrowserSession } from "./browser-session.ts";
import type { BenchInbox } from "./inbox.ts";
import { fmt, Samples } from "./stats.ts";

export interface BenchCustomer {
  loginId: string;
  email: string;
  /** The address this customer logs in from (sent as X-Forwarded-For through the trusted proxy). */
  ip: string;
}

export interface StormResult {
  completed: number;
  failed: number;
  /** Password steps answered 503/429 and retried. */
  retried: number;
  seconds: number;
  loginsPerSecond: number;
  steps: { loginPage: Samples; password: Samples; codePage: Samples; mail: Samples; code: Samples; myPage: Samples; whole: Samples };
  errors: string[];
}

/**
 * Virtual users run the whole flow, as a customer's browser does, following each
 * redirect: login page → password → the code screen (ログイン時多要素認証 入力) →
 * the code from the mail delivered to the SMTP server → code → マイページ.
 */
export async function runStorm(options: {
  /** The public URL (Host and Origin of every request). */
  baseUrl: string;
  /**
   * The instances behind the imaginary load balancer (default: baseUrl alone). Request r of the j-th login
   * goes to instance (j + r) mod N, so one login's steps cross instances and each instance gets an even share.
   */
  instances?: string[];
  inbox: BenchInbox;
  customers: BenchCustomer[];
  password: string;
  virtualUsers: number;
  /** Which mail to each customer this round is (1 for the first round, 2 for the next …). */
  mailNumber: number;
}): Promise<StormResult> {
  const steps = { loginPage: new Samples(), password: new Samples(), codePage: new Samples(), mail: new Samples(), code: new Samples(), myPage: new Samples(), whole: new Samples() };
  const queue = [...options.customers];
  const errors: string[] = [];
  let completed = 0;
  let failed = 0;
  let retried = 0;
  let logins = 0;
  const started = performance.now();

  async function loginOnce(customer: BenchCustomer): Promise<void> {
    const browser = new BrowserSession(options.baseUrl, customer.ip, { instances: options.instances, first: logins });
    logins += 1;
    const t0 = performance.now();
    steps.loginPage.add((await browser.get("/login")).ms);
    let password = await browser.postForm("/login", { loginId: customer.loginId, password: options.password });
    // Shed (503) or limited (429): a person presses the button again a moment later.
    while (password.status === 503 || password.status === 429) {
      retried += 1;
      await new Promise((resolve) => setTimeout(resolve, 1000));
      password = await browser.postForm("/login", { loginId: customer.loginId, password: options.password });
    }
    const sentAt = performance.now() - password.ms;
    steps.password.add(password.ms);
    if (password.status !== 303 || password.location !== "/login/mfa") {
      throw new Error(`password step answered ${password.status} → ${password.location ?? "-"}`);
    }
    const codePage = await browser.get(password.location);
    steps.codePage.add(codePage.ms);
    if (codePage.status !== 200) {
      throw new Error(`code screen answered ${codePage.status}`);
    }
    const mail = await options.inbox.nth(customer.email, options.mailNumber);
    steps.mail.add(mail.at - sentAt);
    const code = await browser.postForm("/login/mfa", { code: mail.code });
    steps.code.add(code.ms);
    if (code.status !== 303 || code.location === undefined) {
      throw new Error(`code step answered ${code.status}`);
    }
    const myPage = await browser.get(code.location);
    steps.myPage.add(myPage.ms);
    if (myPage.status !== 200) {
      throw new Error(`マイページ answered ${myPage.status}`);
    }
    steps.whole.add(performance.now() - t0);
  }

  await Promise.all(
    Array.from({ length: options.virtualUsers }, async () => {
      for (let customer = queue.shift(); customer !== undefined; customer = queue.shift()) {
        try {
          await loginOnce(customer);
          completed += 1;
        } catch (error) {
          failed += 1;
          if (errors.length < 5) {
            errors.push(error instanceof Error ? error.message : String(error));
          }
        }
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return { completed, failed, retried, seconds, loginsPerSecond: completed / seconds, steps, errors };
}

/** A storm's figures, as the bench prints them; ratios against `baseline` (bare argon2id verifications/s). */
export function reportStorm(title: string, storm: StormResult, baseline: number): void {
  const out = process.stdout;
  out.write(`\n## ${title}\n`);
  out.write(`completed logins: ${storm.completed} (failed ${storm.failed}, password steps retried after 503/429: ${storm.retried}) in ${fmt(storm.seconds)} s\n`);
  out.write(`logins/s: ${fmt(storm.loginsPerSecond, 2)}  = ${fmt(storm.loginsPerSecond / baseline, 3)} × baseline\n`);
  out.write(`  login page      ${storm.steps.loginPage.summary()}\n`);
  out.write(`  password step   ${storm.steps.password.summary()}\n`);
  out.write(`  code screen     ${storm.steps.codePage.summary()}\n`);
  out.write(`  mail at SMTP    ${storm.steps.mail.summary()}  (from the password request to the mail's arrival)\n`);
  out.write(`  code step       ${storm.steps.code.summary()}\n`);
  out.write(`  マイページ        ${storm.steps.myPage.summary()}\n`);
  out.write(`  whole login     ${storm.steps.whole.summary()}\n`);
  for (const error of storm.errors) {
    out.write(`  error: ${error}\n`);
  }
}
