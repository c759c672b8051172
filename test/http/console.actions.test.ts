import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { sharedTestService } from "../support/test-service.ts";
import type { TestCustomer } from "../support/test-service.ts";
import type { WebClient } from "../support/web-client.ts";
import { formatJapanTime } from "../../src/core/kernel/japan-time.ts";

const OPERATOR_NAME = "鈴木 一郎";
const REASON = "ご本人からの電話（生年月日で本人確認済み）";
const UNLOCKED = "【OKB証券】口座ロック解除のお知らせ";
const UNFROZEN = "【OKB証券】ログイン再開（凍結解除）のお知らせ";
const EMAIL_OLD = "【OKB証券】重要メール変更のお知らせ";
const EMAIL_NEW = "【OKB証券】重要メール登録のお知らせ";
const SESSIONS_ENDED = "【OKB証券】ログイン終了のお知らせ";
const MFA_ON = "【OKB証券】多要素認証設定のお知らせ";

describe("console actions on a customer (POST /console/api/v1/customers/{loginId}/…)", () => {
  const t = sharedTestService({ env: { LOCKOUT_THRESHOLD: "3" } });

  async function agent(): Promise<{ client: WebClient; operatorId: string; loginId: string }> {
    return t.consoleClient({ role: "agent", name: OPERATOR_NAME });
  }

  /** A customer's app logging in: password, then the code from the mail (`n`-th code mail). */
  async function logIn(customer: TestCustomer, options: { email?: string; n?: number } = {}): Promise<WebClient> {
    const app = t.client();
    const first = await app.post("/api/v1/login", { json: { loginId: customer.loginId, password: customer.password } });
    assert.equal(first.json().status, "mfa_required", first.body);
    const code = await t.codeFor(options.email ?? customer.email, options.n ?? 1);
    assert.equal((await app.post("/api/v1/login/mfa", { json: { code } })).statusCode, 200);
    return app;
  }

  /** The operator's audit event `event` on the customer: by the operator, with the reason. */
  async function assertAudited(customer: TestCustomer, event: string, operatorId: string): Promise<Record<string, unknown>> {
    const events = (await t.auditEvents(customer.customer.id)).filter((entry) => entry.event === event);
    assert.equal(events.length, 1, `one ${event}`);
    const [entry] = events;
    assert.equal(entry?.actor, operatorId);
    assert.equal(entry?.outcome, "ok");
    assert.equal(entry?.detail.reason, REASON);
    return entry?.detail ?? {};
  }

  /** What every notice of an operator's action says, and what it must never say. */
  function assertNotice(text: string): void {
    assert.match(text, new RegExp(`日時: ${formatJapanTime(t.clock.now())}`), "when, in Japan time");
    assert.match(text, /お心当たりがない場合[\s\S]*コールセンター/u, "whom to call if the customer did not ask");
    assert.match(text, /\[English\][\s\S]*call center/u, "English after Japanese");
    assert.ok(!text.includes(OPERATOR_NAME), "never the operator's name");
    assert.ok(!text.includes(REASON), "never the operator's reason");
    assert.doesNotMatch(text, /https?:|www\./u, "no link");
  }

  it("unlock: the locked customer logs in again; audited with the operator and reason; a notice over SMTP; a second unlock is refused", async () => {
    const customer = await t.addCustomer();
    for (let i = 0; i < 3; i += 1) {
      await t.client().post("/api/v1/login", { json: { loginId: customer.loginId, password: "wrong password!" } });
    }
    assert.equal((await t.client().post("/api/v1/login", { json: { loginId: customer.loginId, password: customer.password } })).json().error.code, "5102");
    const { client, operatorId } = await agent();

    const response = await client.post(`/console/api/v1/customers/${customer.loginId}/unlock`, { json: { reason: REASON } });
    assert.equal(response.statusCode, 200, response.body);
    assert.deepEqual(response.json(), { status: "ok" });
    await logIn(customer);
    const detail = await assertAudited(customer, "account.unlocked", operatorId);
    assert.equal(typeof detail.lockedAt, "number");
    const mail = await t.mailTo(customer.email, 1, UNLOCKED);
    assert.match(mail.text, /口座のロックを解除しました/u);
    assertNotice(mail.text);

    const again = await client.post(`/console/api/v1/customers/${customer.loginId}/unlock`, { json: { reason: REASON } });
    assert.equal(again.statusCode, 400);
    assert.equal(again.json().error.code, "4000");
    assert.equal(again.json().error.reason, "not_locked");
    assert.equal(again.json().error.message, "このお客さまの口座はロックされていません。");
    assert.deepEqual((await t.queuedSubjects(customer.email)).filter((subject) => subject === UNLOCKED), [UNLOCKED], "no second notice");
    await assertAudited(customer, "account.unlocked", operatorId);
  });

  it("unfreeze: refused without identityChecked: true; with it the frozen customer logs in again and is told", async () => {
    const customer = await t.addCustomer();
    await t.stores().customers.freeze(customer.customer.id, t.clock.now());
    assert.equal((await t.client().post("/api/v1/login", { json: { loginId: customer.loginId, password: customer.password } })).json().error.code, "5103");
    const { client, operatorId } = await agent();
    const url = `/console/api/v1/customers/${customer.loginId}/unfreeze`;

    for (const json of [{ reason: REASON, identityChecked: false }, { reason: REASON }, { reason: REASON, identityChecked: "true" }]) {
      const refused = await client.post(url, { json });
      assert.equal(refused.statusCode, 400, JSON.stringify(json));
      assert.equal(refused.json().error.code, "4000");
    }
    assert.equal((await client.post(url, { json: { reason: REASON, identityChecked: false } })).json().error.reason, "identity_not_checked");
    assert.notEqual((await t.stores().customers.findById(customer.customer.id))?.frozenAt, null, "still frozen");
    assert.deepEqual(await t.queuedSubjects(customer.email), []);

    const response = await client.post(url, { json: { reason: REASON, identityChecked: true } });
    assert.equal(response.statusCode, 200, response.body);
    await logIn(customer);
    const detail = await assertAudited(customer, "account.unfrozen", operatorId);
    assert.equal(detail.identityChecked, true);
    const mail = await t.mailTo(customer.email, 1, UNFROZEN);
    assert.match(mail.text, /凍結を解除しました/u);
    assertNotice(mail.text);
    assert.equal((await client.post(url, { json: { reason: REASON, identityChecked: true } })).json().error.reason, "not_frozen");
  });

  it("e-mail change: old sessions end, a code sent to the old address is refused, the next code goes to the new address; each address told without the other", async () => {
    const customer = await t.addCustomer();
    const loggedIn = await logIn(customer);
    const halfway = t.client();
    await halfway.post("/api/v1/login", { json: { loginId: customer.loginId, password: customer.password } });
    const oldCode = await t.codeFor(customer.email, 2);
    const newEmail = `new.${customer.loginId}@example.net`;
    const { client, operatorId } = await agent();

    // Issue 17: a verified request a supervisor approves (SECURITY_CHANGE_DELAY_HOURS=0 here: effective at approval).
    const direct = await client.post(`/console/api/v1/customers/${customer.loginId}/email`, { json: { email: newEmail, reason: REASON } });
    assert.deepEqual([direct.statusCode, direct.json().error.reason], [400, "use_email_change_request"], "the direct change of issue 12 is refused");
    await client.post(`/console/api/v1/customers/${customer.loginId}/email-verification`, { json: { email: newEmail } });
    const code = /確認コード: (\d{6})/u.exec((await t.mailTo(newEmail, 1, "【OKB証券】メールアドレス確認コードのお知らせ")).text)?.[1] ?? "";
    const requested = await client.post(`/console/api/v1/customers/${customer.loginId}/email-change-requests`, { json: { email: newEmail, code, reason: REASON } });
    assert.equal(requested.statusCode, 200, requested.body);
    assert.equal((await loggedIn.get("/api/v1/session")).statusCode, 200, "nothing changes on the request alone");
    const supervisor = await t.consoleClient({ role: "supervisor" });
    const response = await supervisor.client.post(`/console/api/v1/security-requests/${requested.json().requestId as string}/approve`, { json: { reason: "確認" } });
    assert.equal(response.statusCode, 200, response.body);
    assert.equal((await loggedIn.get("/api/v1/session")).statusCode, 401, "the session from before has ended");
    const stale = await halfway.post("/api/v1/login/mfa", { json: { code: oldCode } });
    assert.equal(stale.statusCode, 401);
    assert.equal(stale.json().error.code, "5121", "the code mailed to the old address no longer works");
    await logIn(customer, { email: newEmail });

    const toOld = await t.mailTo(customer.email, 1, EMAIL_OLD);
    const toNew = await t.mailTo(newEmail, 1, EMAIL_NEW);
    assert.ok(!toOld.text.includes(newEmail) && !toOld.text.includes(newEmail.split("@")[1] ?? "-"), "the old mailbox does not learn the new address");
    assert.ok(!toNew.text.includes(customer.email) && !toNew.text.includes(customer.loginId), "the new mailbox does not learn the old address");
    assert.match(toOld.text, /ただちに下記コールセンターまでご連絡ください/u);
    assertNotice(toOld.text);
    assertNotice(toNew.text);
    await assertAudited(customer, "security_request.requested", operatorId);
    const effective = (await t.auditEvents(customer.customer.id)).filter((entry) => entry.event === "security_request.effective");
    assert.equal(effective.length, 1);
    const detail = effective[0]?.detail ?? {};
    assert.equal(detail.to, `n***@example.net`);
    assert.equal(detail.sessionsEnded, 1);
    assert.equal(detail.codesSuperseded, 1);
  });

  it("e-mail change: the same address, or one registration would refuse, changes nothing", async () => {
    const customer = await t.addCustomer();
    const { client } = await agent();
    const url = `/console/api/v1/customers/${customer.loginId}/email-verification`;
    const same = await client.post(url, { json: { email: customer.email.toUpperCase() } });
    assert.equal(same.statusCode, 400);
    assert.equal(same.json().error.reason, "same_email");
    for (const email of ["not-an-address", "a@b", "taro@example.co.jp\nBcc: x@example.com", ""]) {
      const refused = await client.post(url, { json: { email } });
      assert.equal(refused.statusCode, 400, email);
      assert.equal(refused.json().error.code, "4000");
    }
    assert.equal((await t.stores().customers.findById(customer.customer.id))?.email, customer.email);
    assert.deepEqual(await t.queuedSubjects(customer.email), []);
    assert.equal((await t.auditEvents(customer.customer.id)).filter((entry) => entry.event.startsWith("security_request.") || entry.event === "email_verification.sent").length, 0);
  });

  it("end sessions: every session of the customer ends, the count is answered, the customer is told; with none, nothing is done", async () => {
    const customer = await t.addCustomer();
    const phone = await logIn(customer, { n: 1 });
    const pc = await logIn(customer, { n: 2 });
    const { client, operatorId } = await agent();
    const url = `/console/api/v1/customers/${customer.loginId}/end-sessions`;

    const response = await client.post(url, { json: { reason: REASON } });
    assert.deepEqual(response.json(), { status: "ok", ended: 2 });
    assert.equal((await phone.get("/api/v1/session")).statusCode, 401);
    assert.equal((await pc.get("/api/v1/session")).statusCode, 401);
    assert.equal((await assertAudited(customer, "sessions.ended_by_operator", operatorId)).sessions, 2);
    assertNotice((await t.mailTo(customer.email, 1, SESSIONS_ENDED)).text);

    assert.deepEqual((await client.post(url, { json: { reason: REASON } })).json(), { status: "ok", ended: 0 });
    assert.deepEqual((await t.queuedSubjects(customer.email)).filter((subject) => subject === SESSIONS_ENDED), [SESSIONS_ENDED]);
  });

  it("MFA on: the customer who logged in with the password alone is asked for a code at the next login", async () => {
    const customer = await t.addCustomer({ mfaEnabled: false });
    const before = t.client();
    assert.deepEqual((await before.post("/api/v1/login", { json: { loginId: customer.loginId, password: customer.password } })).json(), { status: "ok", mfaOff: true });
    const { client, operatorId } = await agent();
    const url = `/console/api/v1/customers/${customer.loginId}/mfa-on`;

    assert.deepEqual((await client.post(url, { json: { reason: REASON } })).json(), { status: "ok" });
    assert.equal((await before.get("/api/v1/session")).statusCode, 200, "it takes effect at the next login, not before");
    await logIn(customer);
    await assertAudited(customer, "mfa.enabled", operatorId);
    const mail = await t.mailTo(customer.email, 1, MFA_ON);
    assert.match(mail.text, /次回のログインから/u);
    assertNotice(mail.text);
    assert.equal((await client.post(url, { json: { reason: REASON } })).json().error.reason, "mfa_already_on");
  });

  it("a missing, blank, too long or hidden-character reason: [4000], nothing written, nothing mailed", async () => {
    const customer = await t.addCustomer();
    await t.stores().customers.recordFailure(customer.customer.id, 1, t.clock.now());
    const { client } = await agent();
    const before = (await t.auditEvents(customer.customer.id)).length;
    const bodies: unknown[] = [{}, { reason: "" }, { reason: "  \u3000 " }, { reason: "本人確認済み\u202Eみ済認確人本" }, { reason: "a\u0000b" }, { reason: "x".repeat(501) }, { reason: 42 }];
    for (const body of bodies) {
      for (const action of ["unlock", "end-sessions", "mfa-on"]) {
        const response = await client.post(`/console/api/v1/customers/${customer.loginId}/${action}`, { json: body });
        assert.equal(response.statusCode, 400, `${action} ${JSON.stringify(body)}`);
        assert.equal(response.json().error.code, "4000");
      }
    }
    assert.notEqual((await t.stores().customers.findById(customer.customer.id))?.lockedAt, null, "still locked");
    // Nothing but the refusals themselves (issue 17 item 9), one per request, without the refused reason.
    const after = (await t.auditEvents(customer.customer.id)).slice(before);
    assert.equal(after.length, bodies.length * 3);
    assert.ok(after.every((entry) => entry.event === "console.refused" && entry.detail["code"] === "4000" && entry.detail["reason"] === null));
    assert.deepEqual(await t.queuedSubjects(customer.email), []);
  });

  it("an unknown login ID: [4040] for every action", async () => {
    const { client } = await agent();
    for (const [action, json] of [
      ["unlock", { reason: REASON }],
      ["unfreeze", { reason: REASON, identityChecked: true }],
      ["email-verification", { email: "someone@example.jp" }],
      ["email-change-requests", { email: "someone@example.jp", code: "123456", reason: REASON }],
      ["passkey-required-off-requests", { reason: REASON, identityChecked: true }],
      ["birth-date-check", { birthDate: "1980-01-31" }],
      ["end-sessions", { reason: REASON }],
      ["mfa-on", { reason: REASON }],
    ] as const) {
      const response = await client.post(`/console/api/v1/customers/no.such.customer/${action}`, { json });
      assert.equal(response.statusCode, 404, action);
      assert.deepEqual(response.json(), { error: { code: "4040", message: "該当するお客さまが見つかりません。" } });
    }
  });

  it("without a console session: [4010]; a disabled operator's session is refused at once, nothing done", async () => {
    const customer = await t.addCustomer();
    await t.stores().customers.recordFailure(customer.customer.id, 1, t.clock.now());
    for (const action of ["unlock", "end-sessions", "mfa-on"]) {
      const response = await t.client().post(`/console/api/v1/customers/${customer.loginId}/${action}`, { json: { reason: REASON } });
      assert.equal(response.statusCode, 401);
      assert.equal(response.json().error.code, "4010");
    }
    const { client, operatorId } = await agent();
    await t.stores().operators.disable(operatorId, t.clock.now());
    const refused = await client.post(`/console/api/v1/customers/${customer.loginId}/unlock`, { json: { reason: REASON } });
    assert.equal(refused.statusCode, 401);
    assert.equal(refused.json().error.code, "4010");
    assert.notEqual((await t.stores().customers.findById(customer.customer.id))?.lockedAt, null, "still locked");
    assert.deepEqual(await t.queuedSubjects(customer.email), []);
  });
});
