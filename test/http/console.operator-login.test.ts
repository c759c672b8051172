import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { sharedTestService } from "../support/test-service.ts";
import { totpCode } from "../../src/core/console/operators/totp.ts";
import { CONSOLE_COOKIE } from "../../src/web/kernel/cookies.ts";

// The console's own wording of [5101]: an operator types three things, and the answer names them all.
const GENERIC = "ログインID、パスワードまたは確認コードが正しくありません。";
const STEP_MS = 30_000;

describe("operator login to the console (/console/api/v1)", () => {
  const t = sharedTestService();

  function code(secret: string): string {
    return totpCode(secret, t.clock.now());
  }

  it("logs in with password + TOTP: role, a Strict __Host- cookie, the session, then logout", async () => {
    const op = await t.addOperator({ role: "supervisor", name: "鈴木 一郎" });
    const browser = t.client();
    const login = await browser.post("/console/api/v1/login", { json: { loginId: op.loginId, password: op.password, totp: code(op.totpSecret) } });
    assert.equal(login.statusCode, 200, login.body);
    assert.deepEqual(login.json(), { status: "ok", role: "supervisor" });
    const setCookie = String(login.headers["set-cookie"]);
    assert.match(setCookie, new RegExp(`^${CONSOLE_COOKIE}=`));
    assert.match(setCookie, /HttpOnly/);
    assert.match(setCookie, /Secure/);
    assert.match(setCookie, /SameSite=Strict/);
    assert.match(setCookie, /Path=\//);

    const session = await browser.get("/console/api/v1/session");
    assert.equal(session.statusCode, 200);
    assert.deepEqual(session.json(), { loginId: op.loginId, name: "鈴木 一郎", role: "supervisor" });
    // The customers' API does not take the console cookie.
    assert.equal((await browser.get("/api/v1/session")).statusCode, 401);

    const logout = await browser.post("/console/api/v1/logout");
    assert.equal(logout.statusCode, 200);
    assert.deepEqual(logout.json(), { status: "ok" });
    const after = await browser.get("/console/api/v1/session");
    assert.equal(after.statusCode, 401);
    assert.equal(after.json().error.code, "4010");
  });

  it("answers a wrong password, a wrong TOTP and an unknown ID with the same [5101]", async () => {
    const op = await t.addOperator();
    const wrongPassword = await t.client().post("/console/api/v1/login", { json: { loginId: op.loginId, password: "wrong horse battery", totp: code(op.totpSecret) } });
    const right = code(op.totpSecret);
    const wrongTotp = await t.client().post("/console/api/v1/login", { json: { loginId: op.loginId, password: op.password, totp: right === "000000" ? "111111" : "000000" } });
    const unknown = await t.client().post("/console/api/v1/login", { json: { loginId: "no.such.operator", password: op.password, totp: right } });
    for (const response of [wrongPassword, wrongTotp, unknown]) {
      assert.equal(response.statusCode, 401);
      assert.deepEqual(response.json(), { error: { code: "5101", message: GENERIC } });
      assert.equal(response.headers["set-cookie"], undefined);
    }
  });

  it("words [5101] for the three things an operator types, in English too; the customers' login keeps its own wording", async () => {
    const op = await t.addOperator();
    const english = await t.client().post("/console/api/v1/login", { json: { loginId: op.loginId, password: "wrong horse battery", totp: "000000" }, headers: { "accept-language": "en" } });
    assert.deepEqual(english.json(), { error: { code: "5101", message: "The login ID, password or verification code is incorrect." } });
    const customer = await t.client().post("/api/v1/login", { json: { loginId: "no.such.customer", password: "wrong horse battery" } });
    assert.deepEqual(customer.json(), { error: { code: "5101", message: "ログインIDまたはパスワードが正しくありません。" } });
  });

  it("refuses a TOTP code used twice: the second login with it gets [5101]", async () => {
    const op = await t.addOperator();
    const totp = code(op.totpSecret);
    const first = await t.client().post("/console/api/v1/login", { json: { loginId: op.loginId, password: op.password, totp } });
    assert.equal(first.statusCode, 200);
    const replay = await t.client().post("/console/api/v1/login", { json: { loginId: op.loginId, password: op.password, totp } });
    assert.equal(replay.statusCode, 401);
    assert.deepEqual(replay.json(), { error: { code: "5101", message: GENERIC } });
  });

  it("answers a disabled operator with [5101], even with every factor right", async () => {
    const op = await t.addOperator();
    const stored = await t.stores().operators.findByLoginId(op.loginId);
    assert.ok(stored);
    await t.stores().operators.disable(stored.id, t.clock.now());
    const response = await t.client().post("/console/api/v1/login", { json: { loginId: op.loginId, password: op.password, totp: code(op.totpSecret) } });
    assert.equal(response.statusCode, 401);
    assert.deepEqual(response.json(), { error: { code: "5101", message: GENERIC } });
  });

  it("locks the operator at LOCKOUT_THRESHOLD wrong factors: [5102] then, even with every factor right", async () => {
    const op = await t.addOperator();
    const threshold = t.config.lockoutThreshold;
    for (let i = 1; i <= threshold; i += 1) {
      const wrongTotp = i % 2 === 0;
      const response = await t.client().post("/console/api/v1/login", {
        json: { loginId: op.loginId, password: wrongTotp ? op.password : "wrong horse battery", totp: wrongTotp ? "000000" : code(op.totpSecret) },
      });
      assert.equal(response.json().error.code, i < threshold ? "5101" : "5102", `attempt ${i}`);
    }
    t.clock.advance(STEP_MS);
    const right = await t.client().post("/console/api/v1/login", { json: { loginId: op.loginId, password: op.password, totp: code(op.totpSecret) } });
    assert.equal(right.statusCode, 423);
    assert.equal(right.json().error.code, "5102");
    const stored = await t.stores().operators.findByLoginId(op.loginId);
    assert.notEqual(stored?.lockedAt, null);
    const audit = await t.service.database.db.selectFrom("audit_events").selectAll().where("event", "=", "operator.login").where("actor", "=", stored?.id ?? "").execute();
    assert.ok(audit.length >= threshold + 1);
    assert.ok(audit.every((event) => event.outcome === "refused"));
  });

  it("ends a session idle for 15 minutes, and keeps one in use", async () => {
    const op = await t.addOperator();
    const browser = t.client();
    assert.equal((await browser.post("/console/api/v1/login", { json: { loginId: op.loginId, password: op.password, totp: code(op.totpSecret) } })).statusCode, 200);
    t.clock.advance(14 * 60_000);
    assert.equal((await browser.get("/console/api/v1/session")).statusCode, 200);
    t.clock.advance(14 * 60_000);
    assert.equal((await browser.get("/console/api/v1/session")).statusCode, 200, "a session in use is not idle");
    t.clock.advance(15 * 60_000);
    const idle = await browser.get("/console/api/v1/session");
    assert.equal(idle.statusCode, 401);
    assert.equal(idle.json().error.code, "4010");
  });

  it("ends a disabled operator's live session at the next request", async () => {
    const op = await t.addOperator();
    const browser = t.client();
    t.clock.advance(STEP_MS);
    assert.equal((await browser.post("/console/api/v1/login", { json: { loginId: op.loginId, password: op.password, totp: code(op.totpSecret) } })).statusCode, 200);
    assert.equal((await browser.get("/console/api/v1/session")).statusCode, 200);
    const stored = await t.stores().operators.findByLoginId(op.loginId);
    assert.ok(stored);
    await t.stores().operators.disable(stored.id, t.clock.now());
    const after = await browser.get("/console/api/v1/session");
    assert.equal(after.statusCode, 401);
    assert.equal(after.json().error.code, "4010");
  });
});

describe("operator lockout ends the operator's live console sessions", () => {
  const t = sharedTestService({ env: { LOCKOUT_THRESHOLD: "3" } });

  it("a session open in one browser ends once wrong factors in another lock the operator", async () => {
    const op = await t.addOperator();
    const browser = t.client();
    const login = await browser.post("/console/api/v1/login", { json: { loginId: op.loginId, password: op.password, totp: totpCode(op.totpSecret, t.clock.now()) } });
    assert.equal(login.statusCode, 200, login.body);
    for (let i = 0; i < 3; i += 1) {
      await t.client().post("/console/api/v1/login", { json: { loginId: op.loginId, password: "wrong horse battery", totp: "123456" } });
    }
    const after = await browser.get("/console/api/v1/session");
    assert.equal(after.statusCode, 401);
    assert.equal(after.json().error.code, "4010");
  });
});

describe("operator login: the lockout does not tell which operator IDs exist", () => {
  const THRESHOLD = 4;
  const t = sharedTestService({ env: { LOCKOUT_THRESHOLD: String(THRESHOLD) } });

  /** Status and body of `n` logins in a row for `loginId` with a wrong password (and a well-formed TOTP). */
  async function answers(loginId: string, n: number): Promise<string[]> {
    const seen: string[] = [];
    for (let i = 0; i < n; i += 1) {
      const response = await t.client().post("/console/api/v1/login", { json: { loginId, password: "wrong horse battery", totp: "123456" } });
      seen.push(`${response.statusCode} ${response.body}`);
    }
    return seen;
  }

  it("an unknown ID and a disabled operator answer the same sequence as a real one: [5101], then [5102] from LOCKOUT_THRESHOLD on", async () => {
    const real = await t.addOperator();
    const disabled = await t.addOperator();
    const stored = await t.stores().operators.findByLoginId(disabled.loginId);
    assert.ok(stored);
    await t.stores().operators.disable(stored.id, t.clock.now());
    const operatorsBefore = await t.service.database.db.selectFrom("operators").select("id").execute();

    const realAnswers = await answers(real.loginId, THRESHOLD + 2);
    assert.deepEqual(
      realAnswers.map((line) => line.slice(0, 3) + JSON.parse(line.slice(4)).error.code),
      ["4015101", "4015101", "4015101", "4235102", "4235102", "4235102"],
    );
    assert.deepEqual(await answers("no.such.operator", THRESHOLD + 2), realAnswers, "unknown ID");
    assert.deepEqual(await answers(disabled.loginId, THRESHOLD + 2), realAnswers, "disabled operator");
    const operatorsAfter = await t.service.database.db.selectFrom("operators").select("id").execute();
    assert.equal(operatorsAfter.length, operatorsBefore.length, "no operator row is written for the unknown ID");
  });

  it("once past the threshold, every factor right on the real ID and anything on an unknown one get the same [5102]", async () => {
    const real = await t.addOperator();
    await answers(real.loginId, THRESHOLD);
    await answers("another.unknown.op", THRESHOLD);
    t.clock.advance(STEP_MS);
    const right = await t.client().post("/console/api/v1/login", { json: { loginId: real.loginId, password: real.password, totp: code(real.totpSecret) } });
    const unknown = await t.client().post("/console/api/v1/login", { json: { loginId: "another.unknown.op", password: real.password, totp: code(real.totpSecret) } });
    assert.equal(right.statusCode, 423);
    assert.equal(unknown.statusCode, right.statusCode);
    assert.deepEqual(unknown.json(), right.json());
    assert.equal(unknown.headers["set-cookie"], undefined);
  });

  it("a customer's unknown-ID failures and an operator's are counted apart (console: subject)", async () => {
    await answers("shared.unknown.id", THRESHOLD - 1);
    const customerSide = await t.client().post("/api/v1/login", { json: { loginId: "shared.unknown.id", password: "wrong horse battery" } });
    assert.equal(customerSide.json().error.code, "5101", "the console's failures do not lock the customer side's answer");
  });

  function code(secret: string): string {
    return totpCode(secret, t.clock.now());
  }
});
