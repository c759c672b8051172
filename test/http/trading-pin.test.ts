import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { hash, verify } from "@node-rs/argon2";
import { sharedTestService } from "../support/test-service.ts";
import type { TestCustomer } from "../support/test-service.ts";
import type { WebClient } from "../support/web-client.ts";
import { fullWidth, wrongCodeFor } from "../support/codes.ts";
import type { PasswordHasher } from "../../src/core/kernel/ports.ts";
import { formatJapanTime } from "../../src/core/kernel/japan-time.ts";

const CODE_SUBJECT = "【OKB証券】認証コードのお知らせ";
const CHANGED = "【OKB証券】取引暗証番号変更のお知らせ";
const LOCKED = "【OKB証券】取引暗証番号ロックのお知らせ";
const UNLOCKED = "【OKB証券】取引暗証番号ロック解除のお知らせ";
const PIN = "2580";
const NEW_PIN = "741963";
const REASON = "ご本人からの電話（生年月日で本人確認済み）";

/** argon2 runs counted: a locked or missing PIN must cost the same hash as a real check. */
const argon2Runs = { count: 0 };
function countingHasher(inner: PasswordHasher): PasswordHasher {
  return {
    hash: (password) => inner.hash(password),
    needsRehash: (stored) => inner.needsRehash(stored),
    verify: (stored, password) => {
      argon2Runs.count += 1;
      return inner.verify(stored, password);
    },
    verifyAbsent: (password) => {
      argon2Runs.count += 1;
      return inner.verifyAbsent(password);
    },
  };
}

describe("trading PIN (取引暗証番号): rules, wrong PINs and the lock at 5, the change, the call center's unlock", () => {
  const t = sharedTestService({ env: { RATE_LIMIT_CODE_MAILS_PER_CUSTOMER: "100/60", RATE_LIMIT_CODE_PER_CUSTOMER: "1000/60" }, wrapHasher: countingHasher });

  async function withPin(pin = PIN): Promise<TestCustomer> {
    const customer = await t.addCustomer();
    await t.stores().tradingPins.set(customer.customer.id, await hash(pin), t.clock.now());
    return customer;
  }

  async function loggedIn(customer: TestCustomer): Promise<WebClient> {
    const app = t.client();
    await app.post("/api/v1/login", { json: { loginId: customer.loginId, password: customer.password } });
    const n = t.smtp.mails.filter((mail) => mail.to === customer.email && mail.subject === CODE_SUBJECT).length + 1;
    const code = await t.codeFor(customer.email, n);
    assert.equal((await app.post("/api/v1/login/mfa", { json: { code } })).statusCode, 200);
    return app;
  }

  /** Asks for a PIN-change code and reads it from the mail. */
  async function pinCode(customer: TestCustomer, app: WebClient): Promise<{ code: string; text: string }> {
    const n = t.smtp.mails.filter((mail) => mail.to === customer.email && mail.subject === CODE_SUBJECT).length + 1;
    const response = await app.post("/api/v1/trading-pin/code", { json: {} });
    assert.equal(response.statusCode, 200, response.body);
    const mail = await t.mailTo(customer.email, n, CODE_SUBJECT);
    return { code: /認証コード: (\d{6})/.exec(mail.text)?.[1] ?? "", text: mail.text };
  }

  const change = (app: WebClient, body: { currentPin: string; newPin: string; code: string }) => app.put("/api/v1/trading-pin", { json: body });
  const pinRow = (customer: TestCustomer) => t.stores().tradingPins.find(customer.customer.id);
  const events = async (customer: TestCustomer, prefix: string) => (await t.auditEvents(customer.customer.id)).filter((event) => event.event.startsWith(prefix));

  it("changes the PIN with the current PIN and a fresh code: the code mail says it is for the PIN, a notice is mailed, nothing shows the PIN", async () => {
    const customer = await withPin();
    const app = await loggedIn(customer);
    const state = (await app.get("/api/v1/trading-pin")).json();
    assert.deepEqual([state.set, state.locked], [true, false]);
    assert.match(state.setAt, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?\+09:00$/);
    const sent = await app.post("/api/v1/trading-pin/code", { json: {} });
    assert.deepEqual(Object.keys(sent.json()).sort(), ["expiresAt", "maskedEmail", "sentAt", "status"]);
    assert.equal(sent.json().status, "code_sent");
    assert.match(sent.json().maskedEmail, /^\w\*+@example\.co\.jp$/);
    const mail = await t.mailTo(customer.email, 2, CODE_SUBJECT);
    assert.match(mail.text, /取引暗証番号変更のための「認証コード」/, "the code mail says what it is for");
    assert.match(mail.text, /code to change your trading PIN/);
    assert.doesNotMatch(mail.text, /https?:|www\./);
    const code = /認証コード: (\d{6})/.exec(mail.text)?.[1] ?? "";
    const response = await change(app, { currentPin: PIN, newPin: NEW_PIN, code });
    assert.equal(response.statusCode, 200, response.body);
    assert.deepEqual(response.json(), { status: "ok" });
    const stored = await pinRow(customer);
    assert.equal(await verify(stored?.pinHash ?? "", NEW_PIN), true, "the new PIN is the one stored");
    const notice = await t.mailTo(customer.email, 1, CHANGED);
    assert.match(notice.text, /お客さまの取引暗証番号が変更されました。/);
    assert.match(notice.text, new RegExp(`日時: ${formatJapanTime(t.clock.now())}`));
    assert.ok(!notice.text.includes(NEW_PIN) && !notice.text.includes(PIN), "never the PIN");
    const changed = await events(customer, "trading_pin.changed");
    assert.equal(changed.length, 1);
    assert.equal(changed[0]?.detail.by, "customer");
    assert.doesNotMatch(JSON.stringify(await t.auditEvents(customer.customer.id)), new RegExp(`${NEW_PIN}|"${PIN}"`));
    const reused = await change(app, { currentPin: NEW_PIN, newPin: "135790", code });
    assert.equal(reused.json().error.code, "5121", "a used code does not work twice");
    const old = await change(app, { currentPin: PIN, newPin: "135790", code });
    assert.equal(old.json().error.code, "5142", "the old PIN is wrong now");
  });

  it("refuses new PINs by the rules with [5144] and the rule as error.reason, keeping the code usable; full-width digits typed with the IME are digits", async () => {
    const customer = await withPin();
    const app = await loggedIn(customer);
    const { code } = await pinCode(customer, app);
    const cases: Array<[string, string]> = [
      ["123", "format"],
      ["123456789", "format"],
      ["12a4", "format"],
      ["1111", "repeated"],
      ["00000000", "repeated"],
      ["1234", "sequence"],
      ["0123", "sequence"],
      ["4321", "sequence"],
      ["98765", "sequence"],
      [fullWidth("3456"), "sequence"],
      [PIN, "same_as_current"],
    ];
    for (const [newPin, reason] of cases) {
      const response = await change(app, { currentPin: PIN, newPin, code });
      assert.equal(response.statusCode, 422, `${newPin}: ${response.body}`);
      assert.equal(response.json().error.code, "5144");
      assert.equal(response.json().error.reason, reason, newPin);
      assert.match(response.json().error.message, /^新しい取引暗証番号を設定できません。/);
    }
    assert.equal(await verify((await pinRow(customer))?.pinHash ?? "", PIN), true, "nothing was written");
    const ok = await change(app, { currentPin: fullWidth(PIN), newPin: fullWidth("7890"), code });
    assert.equal(ok.statusCode, 200, `full-width current and new PINs: ${ok.body}`);
    assert.equal(await verify((await pinRow(customer))?.pinHash ?? "", "7890"), true, "stored as ASCII digits; 7890 does not wrap around into a run");
  });

  it("counts wrong PINs: four answer [5142], the 5th locks ([5143]) with a lock notice; then even the right PIN is refused, argon2 still spent", async () => {
    const customer = await withPin();
    const app = await loggedIn(customer);
    const { code } = await pinCode(customer, app);
    for (let attempt = 1; attempt <= 4; attempt += 1) {
      const wrong = await change(app, { currentPin: "9999", newPin: NEW_PIN, code });
      assert.equal(wrong.statusCode, 401);
      assert.deepEqual(wrong.json().error, { code: "5142", message: "取引暗証番号が正しくありません。" });
    }
    const fifth = await change(app, { currentPin: "3690", newPin: NEW_PIN, code });
    assert.equal(fifth.statusCode, 423);
    assert.equal(fifth.json().error.code, "5143");
    assert.match(fifth.json().error.message, /取引暗証番号がロックされています。ロックの解除は、コールセンター（0120-\d+）までご連絡ください。/);
    const notice = await t.mailTo(customer.email, 1, LOCKED);
    assert.match(notice.text, /取引暗証番号の誤入力が続いたため、取引暗証番号をロックしました。/);
    assert.match(notice.text, /ログインやログイン後の照会は、これまでどおりご利用いただけます。/);
    const before = argon2Runs.count;
    const right = await change(app, { currentPin: PIN, newPin: NEW_PIN, code });
    assert.equal(right.json().error.code, "5143", "the right PIN does not open a locked PIN");
    assert.equal(argon2Runs.count - before, 1, "one argon2 run, as for an unlocked PIN: the time tells nothing");
    assert.equal(await verify((await pinRow(customer))?.pinHash ?? "", PIN), true, "the PIN did not change");
    assert.equal((await app.post("/api/v1/trading-pin/code", { json: {} })).json().error.code, "5143", "no code is mailed for a locked PIN");
    assert.deepEqual((await app.get("/api/v1/trading-pin")).json().locked, true);
    const failed = await events(customer, "trading_pin.failed");
    assert.deepEqual(failed.map((event) => event.detail.reason), ["wrong_pin", "wrong_pin", "wrong_pin", "wrong_pin", "wrong_pin", "locked"]);
    assert.equal((await events(customer, "trading_pin.locked")).length, 1);
  });

  it("a PIN lock does not stop login: the session goes on, a new login works, the login's own failure count is untouched", async () => {
    const customer = await withPin();
    const app = await loggedIn(customer);
    const { code } = await pinCode(customer, app);
    for (let attempt = 0; attempt < 5; attempt += 1) {
      await change(app, { currentPin: "0000", newPin: NEW_PIN, code });
    }
    assert.notEqual((await pinRow(customer))?.lockedAt, null);
    assert.equal((await app.get("/api/v1/session")).statusCode, 200, "the session was not ended");
    const again = await loggedIn(customer);
    assert.equal((await again.get("/api/v1/session")).statusCode, 200, "logging in again works");
    const stored = await t.stores().customers.findById(customer.customer.id);
    assert.deepEqual([stored?.lockedAt, stored?.failedCount], [null, 0]);
  });

  it("a right PIN resets the count: 4 wrong, 1 right (the code then wrong), 4 wrong again are still not a lock; the 5th in a row is", async () => {
    const customer = await withPin();
    const app = await loggedIn(customer);
    const { code } = await pinCode(customer, app);
    for (let attempt = 0; attempt < 4; attempt += 1) {
      assert.equal((await change(app, { currentPin: "5555", newPin: NEW_PIN, code })).json().error.code, "5142");
    }
    assert.equal((await pinRow(customer))?.failedCount, 4);
    const wrongCode = await change(app, { currentPin: PIN, newPin: NEW_PIN, code: wrongCodeFor(code) });
    assert.equal(wrongCode.json().error.code, "5121", "the PIN was right, the code was not");
    assert.equal((await pinRow(customer))?.failedCount, 0, "the right PIN reset the count");
    assert.equal((await t.stores().customers.findById(customer.customer.id))?.failedCount, 1, "the wrong code counts toward the login's lockout, as in a password change");
    for (let attempt = 0; attempt < 4; attempt += 1) {
      assert.equal((await change(app, { currentPin: "5555", newPin: NEW_PIN, code })).json().error.code, "5142");
    }
    assert.equal((await change(app, { currentPin: "5555", newPin: NEW_PIN, code })).json().error.code, "5143");
    assert.equal((await events(customer, "trading_pin.verified")).length, 1);
  });

  it("a customer without a PIN cannot change one: [5145] with the call center, no code mailed, argon2 still spent on a PIN typed", async () => {
    const customer = await t.addCustomer();
    const app = await loggedIn(customer);
    assert.deepEqual((await app.get("/api/v1/trading-pin")).json(), { set: false, locked: false, setAt: null });
    const code = await app.post("/api/v1/trading-pin/code", { json: {} });
    assert.equal(code.statusCode, 409);
    assert.equal(code.json().error.code, "5145");
    assert.match(code.json().error.message, /取引暗証番号が登録されていません。コールセンター（0120-\d+）までご連絡ください。/);
    const before = argon2Runs.count;
    const put = await change(app, { currentPin: PIN, newPin: NEW_PIN, code: "123456" });
    assert.equal(put.json().error.code, "5145");
    assert.equal(argon2Runs.count - before, 1);
    assert.equal((await t.queuedSubjects(customer.email)).filter((subject) => subject === CODE_SUBJECT).length, 1, "only the login's code mail");
    assert.equal(await pinRow(customer), null);
  });

  it("bad input and no session: [4000] for a missing or overlong field, [4010] without a session; nothing counted", async () => {
    const customer = await withPin();
    const app = await loggedIn(customer);
    for (const body of [{ currentPin: PIN, newPin: NEW_PIN }, { currentPin: "1".repeat(65), newPin: NEW_PIN, code: "123456" }, { currentPin: PIN, newPin: NEW_PIN, code: 123456 }]) {
      const response = await app.put("/api/v1/trading-pin", { json: body });
      assert.equal(response.statusCode, 400, JSON.stringify(body));
      assert.equal(response.json().error.code, "4000");
    }
    assert.equal((await pinRow(customer))?.failedCount, 0);
    assert.equal((await t.client().post("/api/v1/trading-pin/code", { json: {} })).json().error.code, "4010");
    assert.equal((await t.client().put("/api/v1/trading-pin", { json: { currentPin: PIN, newPin: NEW_PIN, code: "123456" } })).statusCode, 401);
  });

  it("the call center sees the PIN's state and lifts the lock: audited with the operator and reason, a notice over SMTP, the same PIN works again; refusals", async () => {
    const customer = await withPin();
    const app = await loggedIn(customer);
    const { code } = await pinCode(customer, app);
    const { client: console, operatorId } = await t.consoleClient({ role: "agent" });
    const facts = async () => (await console.get(`/console/api/v1/customers/${customer.loginId}`)).json().tradingPin;
    assert.deepEqual(await facts(), { set: true, locked: false, lockedAt: null });
    const notLocked = await console.post(`/console/api/v1/customers/${customer.loginId}/trading-pin-unlock`, { json: { reason: REASON } });
    assert.equal(notLocked.statusCode, 400);
    assert.equal(notLocked.json().error.code, "4000");
    assert.equal(notLocked.json().error.reason, "trading_pin_not_locked");
    assert.equal(notLocked.json().error.message, "このお客さまの取引暗証番号はロックされていません。");
    for (let attempt = 0; attempt < 5; attempt += 1) {
      await change(app, { currentPin: "1357", newPin: NEW_PIN, code });
    }
    const locked = await facts();
    assert.equal(locked.locked, true);
    assert.match(locked.lockedAt, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?\+09:00$/);
    const noReason = await console.post(`/console/api/v1/customers/${customer.loginId}/trading-pin-unlock`, { json: { reason: "  " } });
    assert.equal(noReason.json().error.code, "4000");
    const unknown = await console.post("/console/api/v1/customers/nobody-here/trading-pin-unlock", { json: { reason: REASON } });
    assert.equal(unknown.statusCode, 404);
    assert.equal(unknown.json().error.code, "4040");
    const anonymous = await t.consoleWebClient().post(`/console/api/v1/customers/${customer.loginId}/trading-pin-unlock`, { json: { reason: REASON } });
    assert.equal(anonymous.statusCode, 401);
    assert.equal((await facts()).locked, true, "nothing changed by the refusals");

    const unlocked = await console.post(`/console/api/v1/customers/${customer.loginId}/trading-pin-unlock`, { json: { reason: REASON } });
    assert.equal(unlocked.statusCode, 200, unlocked.body);
    assert.deepEqual(unlocked.json(), { status: "ok" });
    assert.deepEqual(await facts(), { set: true, locked: false, lockedAt: null });
    const audited = await events(customer, "trading_pin.unlocked");
    assert.equal(audited.length, 1);
    assert.equal(audited[0]?.actor, operatorId);
    assert.equal(audited[0]?.detail.reason, REASON);
    const notice = await t.mailTo(customer.email, 1, UNLOCKED);
    assert.match(notice.text, /コールセンターにて取引暗証番号のロックを解除しました。/);
    assert.match(notice.text, /お心当たりがない場合[\s\S]*コールセンター/u);
    assert.ok(!notice.text.includes(REASON), "never the operator's reason");
    assert.doesNotMatch(notice.text, /https?:|www\./);
    const fresh = await pinCode(customer, app);
    assert.equal((await change(app, { currentPin: PIN, newPin: NEW_PIN, code: fresh.code })).statusCode, 200, "the same PIN works again");
  });
});
