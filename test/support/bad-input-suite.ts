import { before, it } from "node:test";
import assert from "node:assert/strict";
import type { LightMyRequestResponse } from "fastify";
import { sharedTestService } from "./test-service.ts";
import type { TestService } from "./test-service.ts";
import { writtenState } from "./written-state.ts";
import type { WrittenState } from "./written-state.ts";
import { CSRF, PREAUTH, SESSION, resolve } from "./bad-input-cases.ts";
import type { BadRequest, Setup } from "./bad-input-cases.ts";
import { LOGIN_NOTE_COOKIE } from "../../src/web/kernel/cookies.ts";

/** Every row a login can write; audit events and rate-limit counters may move (a refused request is audited). */
export type LoginState = Pick<WrittenState, "challenges" | "sessions" | "history" | "outbox" | "mails">;

export interface BadInputSuite {
  t: TestService;
  /** The live code, session and CSRF token the cases run against (set by the suite's before hook). */
  setup(): Setup;
  snapshot(): Promise<LoginState>;
  send(c: BadRequest): Promise<LightMyRequestResponse>;
  /** Sends `c` and checks the status, the error shape, the cookies set and that nothing changed. */
  expectRefused(c: BadRequest): Promise<void>;
  /** One test that sends every case of `group` and lists every one that got through, not just the first. */
  itRefusesEvery(group: string, cases: BadRequest[]): void;
  /** A test that delivers whatever is due, then finds no mail beyond the setup's, in the catcher or the outbox. */
  itSentNoMail(): void;
}

/**
 * The issue: "Bad input anywhere (missing fields, wrong types, over-long values,
 * broken encodings) gets a clear 4xx and changes nothing; no 500."
 * Called in the describe body of a test/http/bad-input.*.test.ts file: a service of
 * its own with a customer holding a live code, one with a live session and one whose
 * right password rides in each malformed envelope, so a hole shows up as a new
 * challenge, session, login or mail. Every request comes from a browser that loaded
 * /login (its CSRF cookie), and every HTML POST carries that page's valid CSRF token,
 * so the cases test their own fault, not the missing token (csrf.login-csrf.test.ts tests that).
 */
export function badInputSuite(): BadInputSuite {
  const t = sharedTestService();
  let setup: Setup | null = null;
  let baselineMails = 0;
  let ipCounter = 0;

  before(async () => {
    // A customer with a live code in one browser, one with a live session in another.
    const pending = await t.addCustomer();
    const holder = t.client();
    await holder.post("/login", { form: { loginId: pending.loginId, password: pending.password } });
    const code = await t.codeFor(pending.email);
    const loggedIn = await t.addCustomer();
    const browser = t.client();
    await browser.post("/login", { form: { loginId: loggedIn.loginId, password: loggedIn.password } });
    await browser.post("/login/mfa", { form: { code: await t.codeFor(loggedIn.email) } });
    const livePreauth = holder.cookies.get(PREAUTH);
    const liveSession = browser.cookies.get(SESSION);
    assert.ok(livePreauth !== undefined && liveSession !== undefined, "setup: a live code and a live session");
    const page = t.client();
    await page.get("/login");
    const csrfCookie = page.cookies.get(CSRF);
    assert.ok(csrfCookie !== undefined && page.csrfToken !== null, "setup: a CSRF cookie and token");
    setup = { target: await t.addCustomer(), livePreauth, liveCode: code, liveSession, csrfCookie, csrfToken: page.csrfToken };
    // The setup's own mails (its code, its login notice) are delivered before the baseline is taken.
    await t.drainOutbox();
    baselineMails = t.smtp.mails.length;
  });

  const current = (): Setup => {
    assert.ok(setup !== null, "the suite's before hook has not run");
    return setup;
  };

  async function snapshot(): Promise<LoginState> {
    const { challenges, sessions, history, outbox, mails } = await writtenState(t);
    return { challenges, sessions, history, outbox, mails };
  }

  async function send(c: BadRequest): Promise<LightMyRequestResponse> {
    const live = current();
    ipCounter += 1;
    const headers: Record<string, string> = { "user-agent": "bad-input-test", ...c.headers };
    if (c.contentType !== undefined) {
      headers["content-type"] = c.contentType;
    }
    const csrfCookie = `${CSRF}=${live.csrfCookie}`;
    headers["cookie"] = c.cookie === undefined ? csrfCookie : `${resolve(c.cookie, live)}; ${csrfCookie}`;
    if ((c.method ?? "GET") !== "GET" && !c.url.startsWith("/api/")) {
      headers["x-csrf-token"] = live.csrfToken;
    }
    return t.service.app.inject({
      method: c.method ?? "GET",
      url: c.query === undefined ? c.url : `${c.url}?${resolve(c.query, live)}`,
      headers,
      payload: c.payload === undefined ? undefined : resolve(c.payload, live),
      // One address per request, so a future per-IP rate limit cannot turn a case into 429.
      remoteAddress: `198.51.${Math.floor(ipCounter / 250) % 250}.${(ipCounter % 250) + 1}`,
    });
  }

  async function expectRefused(c: BadRequest): Promise<void> {
    const earlier = await snapshot();
    const response = await send(c);
    const where = `${c.method ?? "GET"} ${c.url} ${c.name}`;
    assert.equal(response.statusCode, c.status, `${where}: status (body: ${response.body.slice(0, 200)})`);
    const code = c.code === undefined ? "4000" : c.code;
    if (code !== null) {
      if (c.url.startsWith("/api/")) {
        assert.match(String(response.headers["content-type"]), /^application\/json/, `${where}: JSON`);
        const body = JSON.parse(response.body) as { error?: { code?: unknown; message?: unknown } };
        assert.deepEqual(Object.keys(body), ["error"], `${where}: only "error" at the top`);
        assert.equal(body.error?.code, code, `${where}: error code`);
        assert.ok(typeof body.error?.message === "string" && body.error.message.length > 0, `${where}: a message`);
      } else {
        assert.match(String(response.headers["content-type"]), /^text\/html/, `${where}: HTML`);
        assert.ok(response.body.includes(`[${code}] `), `${where}: shows [${code}]`);
      }
    }
    for (const cookie of response.cookies) {
      // The login page's note (issue 21 item 3) is the redirect's answer, not state: "please log in", nothing more.
      const pleaseLogIn = cookie.name === LOGIN_NOTE_COOKIE && cookie.value === "login_required";
      assert.ok(pleaseLogIn || cookie.value === "" || cookie.maxAge === 0, `${where}: sets no live ${cookie.name}`);
    }
    assert.deepEqual(await snapshot(), earlier, `${where}: nothing changed`);
  }

  return {
    t,
    setup: current,
    snapshot,
    send,
    expectRefused,
    itRefusesEvery(group: string, cases: BadRequest[]): void {
      it(`${group}: ${cases.length} malformed requests`, async () => {
        // Every case runs, so one run lists every hole, not just the first.
        const failures: string[] = [];
        for (const c of cases) {
          try {
            await expectRefused(c);
          } catch (error) {
            failures.push(error instanceof Error ? (error.message.split("\n")[0] ?? error.message) : String(error));
          }
        }
        assert.deepEqual(failures, []);
      });
    },
    itSentNoMail(): void {
      it("delivered no mail beyond the setup's (after the outbox delivered all that was due)", async () => {
        await t.drainOutbox();
        assert.equal(t.smtp.mails.length, baselineMails);
        assert.deepEqual(await t.pendingMails(), [], "and none is waiting in the outbox");
      });
    },
  };
}
