import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { sharedTestService, startTestService } from "../support/test-service.ts";
import type { TestCustomer, TestService } from "../support/test-service.ts";
import type { WebClient } from "../support/web-client.ts";
import { giveTradingPin, loggedInClient } from "../support/trading-site.ts";
import { codeMailSubject } from "../../src/core/mail/code-mails.ts";
import { isoJapanTime } from "../../src/core/kernel/japan-time.ts";
import { maskEmail } from "../../src/core/kernel/email-address.ts";
import { SecurityRequests } from "../../src/core/console/security-requests/security-requests.ts";
import type { EmailVerifications } from "../../src/core/console/security-requests/email-verification.ts";
import type { Customer, CustomerStore } from "../../src/core/kernel/ports.ts";
import { nodeRandom } from "../../src/adapters/crypto/node-random.ts";

const HOUR = 60 * 60 * 1000;
const BIRTH_DATE = "1980-01-31";
const REASON = "ご本人から電話でご依頼（登録住所で本人確認済み）";
const ATTACKER = "taker@attacker.example";
const VERIFY_SUBJECT = "【OKB証券】メールアドレス確認コードのお知らせ";

interface Operator {
  client: WebClient;
  loginId: string;
  operatorId: string;
}

type Json = Record<string, unknown>;

async function post(by: Operator, path: string, json: Json): Promise<{ status: number; body: Json }> {
  const response = await by.client.post(`/console/api/v1/${path}`, { json });
  return { status: response.statusCode, body: response.json() as Json };
}

function errorOf(body: Json): { code?: string; reason?: string } {
  return (body["error"] ?? {}) as { code?: string; reason?: string };
}

/** The customer page's facts, read by a fresh agent (a console session ends after 15 idle minutes, and the tests move the clock by hours). */
async function facts(t: TestService, customer: TestCustomer): Promise<Json> {
  const by = await t.consoleClient({ role: "agent" });
  const response = await by.client.get(`/console/api/v1/customers/${customer.loginId}`);
  assert.equal(response.statusCode, 200, response.body);
  return response.json() as Json;
}

/** The 6-digit code in the n-th verification mail to `email`. */
async function verificationCode(t: TestService, email: string, n = 1): Promise<string> {
  const mail = await t.mailTo(email, n, VERIFY_SUBJECT);
  const code = /確認コード: (\d{6})/.exec(mail.text)?.[1];
  assert.ok(code !== undefined, "the verification mail carries a code");
  return code;
}

/** Verifies `email` and requests the 重要メール change as `by`; the request's ID. */
async function requestEmailChange(t: TestService, by: Operator, customer: TestCustomer, email: string, n = 1): Promise<string> {
  const sent = await post(by, `customers/${customer.loginId}/email-verification`, { email });
  assert.deepEqual([sent.status, sent.body], [200, { status: "code_sent" }]);
  // The address is not verified yet: its mail names neither the customer nor the account.
  const text = (await t.mailTo(email, n, VERIFY_SUBJECT)).text;
  assert.ok(!text.includes(customer.name) && !text.includes(customer.name.split(" ")[0] ?? customer.name), "the unverified address does not learn the customer's name");
  assert.ok(!text.includes(customer.loginId), "nor the login ID");
  assert.match(text, /^お客さま\n/u);
  const requested = await post(by, `customers/${customer.loginId}/email-change-requests`, { email, code: await verificationCode(t, email, n), reason: REASON });
  assert.equal(requested.status, 200, JSON.stringify(requested.body));
  return requested.body["requestId"] as string;
}

/** The public password reset (ID + date of birth): the recipient of the code mail that follows, if any. */
async function resetCodeRecipients(t: TestService, customer: TestCustomer): Promise<string[]> {
  const before = t.smtp.mails.length;
  const response = await t.client().post("/api/v1/password-reset", { json: { loginId: customer.loginId, birthDate: BIRTH_DATE } });
  assert.equal(response.statusCode, 200, response.body);
  await t.drainOutbox();
  return t.smtp.mails.slice(before).filter((mail) => mail.subject === codeMailSubject(t.config.brand)).map((mail) => mail.to);
}

async function customerWithEverything(t: TestService): Promise<TestCustomer> {
  const customer = await t.addCustomer({ birthDate: BIRTH_DATE });
  await t.stores().passkeys.setRequired(customer.customer.id, true);
  return customer;
}

describe("one call-center agent cannot take over an account (issue 17 item 2): the probe's sequence", () => {
  const t = sharedTestService({ env: { SECURITY_CHANGE_DELAY_HOURS: "24" } });

  it("an agent alone: the date of birth is not shown, パスキー必須 off and the new 重要メール are only requests, and the password reset still mails the OLD address", async () => {
    const customer = await customerWithEverything(t);
    const agent = await t.consoleClient({ role: "agent" });

    // 1. Read the date of birth: neither the JSON nor the page carries it.
    const json = await agent.client.get(`/console/api/v1/customers/${customer.loginId}`);
    assert.equal(json.statusCode, 200);
    assert.ok(!json.body.includes(BIRTH_DATE) && !("birthDate" in (json.json() as Json)), "no date of birth in the console API");
    assert.equal((json.json() as Json)["birthDateOnRecord"], true);
    const page = await agent.client.get(`/console/customers/${customer.loginId}`);
    assert.equal(page.statusCode, 200);
    assert.ok(!page.body.includes(BIRTH_DATE) && !page.body.includes("1980"), "no date of birth on the customer page");
    assert.match(page.body, /生年月日の確認/u);

    // 2. パスキー必須 off: the old direct action is refused with a pointer, the new one is only a request.
    const direct = await post(agent, `customers/${customer.loginId}/passkey-required-off`, { reason: REASON, identityChecked: true });
    assert.deepEqual([direct.status, errorOf(direct.body).code, errorOf(direct.body).reason], [400, "4000", "use_passkey_required_off_request"]);
    const passkeyOff = await post(agent, `customers/${customer.loginId}/passkey-required-off-requests`, { reason: REASON, identityChecked: true });
    assert.equal(passkeyOff.status, 200, JSON.stringify(passkeyOff.body));
    assert.equal(typeof passkeyOff.body["requestId"], "string");
    assert.equal((await facts(t, customer))["passkeyRequired"], true, "パスキー必須 stays on");

    // 3. The 重要メール: the old direct change is refused; the verified request changes nothing yet.
    const directEmail = await post(agent, `customers/${customer.loginId}/email`, { email: ATTACKER, reason: REASON });
    assert.deepEqual([directEmail.status, errorOf(directEmail.body).reason], [400, "use_email_change_request"]);
    const emailRequestId = await requestEmailChange(t, agent, customer, ATTACKER);
    assert.equal((await facts(t, customer))["maskedEmail"], maskEmail(customer.email), "the address is unchanged");

    // The current address heard of both requests, without the new address, and how to stop them.
    await t.drainOutbox();
    const received = t.smtp.mails.filter((mail) => mail.to === customer.email && mail.subject.includes("お申し出受付"));
    assert.deepEqual(received.map((mail) => mail.subject).sort(), ["【OKB証券】パスキー必須解除のお申し出受付のお知らせ", "【OKB証券】重要メール変更のお申し出受付のお知らせ"]);
    for (const mail of received) {
      assert.ok(!mail.text.includes("attacker"), "the old address never learns the new one");
      assert.match(mail.text, /コールセンターまでお電話ください。お申し出を取り消します。/u);
      assert.match(mail.text, /責任者の確認から24時間後/u);
    }

    // 4. The public password reset mails the code to the OLD address only.
    assert.deepEqual(await resetCodeRecipients(t, customer), [customer.email]);

    // 5. The agent cannot approve, neither their own request nor another's.
    for (const id of [emailRequestId, passkeyOff.body["requestId"] as string]) {
      const approve = await post(agent, `security-requests/${id}/approve`, { reason: "自分で承認" });
      assert.deepEqual([approve.status, errorOf(approve.body).code], [403, "4031"]);
    }
    // Unapproved, the requests expire: nothing changes, however long one waits.
    t.clock.advance(48 * HOUR);
    assert.equal(await t.service.applyDueSecurityRequests(), 0);
    const after = await facts(t, customer);
    assert.deepEqual([after["maskedEmail"], after["passkeyRequired"]], [maskEmail(customer.email), true]);
    const listed = await (await t.consoleClient()).client.get("/console/api/v1/security-requests?state=expired");
    const expired = (listed.json() as { items: Json[] }).items.map((item) => item["id"]);
    assert.ok(expired.includes(emailRequestId));
  });

  it("with four eyes and after the wait the new 重要メール takes effect; then recovery by emailed code is held for the same period, a passkey aside", async () => {
    const customer = await customerWithEverything(t);
    await giveTradingPin(t, customer);
    const agent = await t.consoleClient({ role: "agent" });
    const supervisor = await t.consoleClient({ role: "supervisor" });
    const newEmail = `moved-${customer.loginId}@example.co.jp`;
    const requestId = await requestEmailChange(t, agent, customer, newEmail);

    const listed = (await supervisor.client.get("/console/api/v1/security-requests?state=pending")).json() as { items: Json[] };
    const item = listed.items.find((entry) => entry["id"] === requestId);
    assert.deepEqual(item && [item["kind"], item["loginId"], item["requestedBy"], item["state"], item["newEmail"]], ["email_change", customer.loginId, agent.loginId, "pending", maskEmail(newEmail)]);

    const approvedAt = t.clock.now();
    const approved = await post(supervisor, `security-requests/${requestId}/approve`, { reason: "通話記録を確認" });
    assert.equal(approved.status, 200, JSON.stringify(approved.body));
    assert.deepEqual(approved.body, { id: requestId, kind: "email_change", state: "approved", effectiveAt: isoJapanTime(approvedAt + 24 * HOUR) });
    const again = await post(supervisor, `security-requests/${requestId}/approve`, { reason: "もう一度" });
    assert.deepEqual([again.status, errorOf(again.body).reason], [400, "request_decided"], "a second approval is refused");
    assert.match((await t.mailTo(customer.email, 1, "【OKB証券】重要メール変更の予定のお知らせ")).text, /コールセンターまでお電話ください/u);

    // During the wait every read shows the old address, and the reset still mails it.
    t.clock.advance(24 * HOUR - 60_000);
    assert.equal(await t.service.applyDueSecurityRequests(), 0);
    assert.equal((await facts(t, customer))["maskedEmail"], maskEmail(customer.email));
    assert.deepEqual(await resetCodeRecipients(t, customer), [customer.email]);

    // Its time comes: applied once, whichever sweep runs first.
    t.clock.advance(60_000);
    const sweeps = await Promise.all([t.service.applyDueSecurityRequests(), t.service.applyDueSecurityRequests()]);
    assert.equal(sweeps[0] + sweeps[1], 1);
    assert.equal(await t.service.applyDueSecurityRequests(), 0);
    assert.equal((await facts(t, customer))["maskedEmail"], maskEmail(newEmail));
    await t.mailTo(customer.email, 1, "【OKB証券】重要メール変更のお知らせ");
    const effective = (await (await t.consoleClient()).client.get("/console/api/v1/security-requests?state=effective")).json() as { items: Json[] };
    assert.ok(effective.items.some((entry) => entry["id"] === requestId));

    // Recovery by emailed code is refused for the same period: reset (after the right code), PIN change, withdrawal by code.
    const moved = { ...customer, email: newEmail };
    const resetter = t.client();
    await resetter.post("/api/v1/password-reset", { json: { loginId: customer.loginId, birthDate: BIRTH_DATE } });
    const resetCode = await t.codeFor(newEmail, 1);
    const wrong = await resetter.post("/api/v1/password-reset/complete", { json: { code: resetCode === "000000" ? "111111" : "000000", newPassword: "a brand new phrase 42" } });
    assert.equal((wrong.json() as { error: { code: string } }).error.code, "5121", "a wrong code is still just wrong: nothing revealed");
    const held = await resetter.post("/api/v1/password-reset/complete", { json: { code: resetCode, newPassword: "a brand new phrase 42" } });
    assert.equal(held.statusCode, 403, held.body);
    assert.equal((held.json() as { error: { code: string } }).error.code, "5126");
    assert.match((held.json() as { error: { message: string } }).error.message, /重要メールが変更されて間もないため/u);

    await t.stores().passkeys.setRequired(customer.customer.id, false);
    const app = await loggedInClient(t, moved);
    const pinCode = await app.post("/api/v1/trading-pin/code", { json: {} });
    assert.deepEqual([pinCode.statusCode, (pinCode.json() as { error: { code: string } }).error.code], [403, "5126"]);
    const withdrawal = await app.post("/api/v1/confirmations", { json: { operation: { type: "withdrawal", details: { amount: 30000 } } } });
    assert.deepEqual([withdrawal.statusCode, (withdrawal.json() as { error: { code: string } }).error.code], [403, "5126"]);
    const bankAccount = await app.post("/api/v1/confirmations", { json: { operation: { type: "bank_account_change", details: { bankCode: "0005", branchCode: "123", accountType: "ordinary", accountNumber: "7654321" } } } });
    assert.deepEqual([bankAccount.statusCode, (bankAccount.json() as { error: { code: string } }).error.code], [403, "5126"], "a new withdrawal account by code is held too");
    const trade = await app.post("/api/v1/confirmations", { json: { operation: { type: "trade", details: { side: "buy", symbol: "7203", quantity: 100, price: "market" } } } });
    assert.equal(trade.statusCode, 200, "a trade with the PIN is not held");

    // After the same period, the reset works again.
    t.clock.advance(24 * HOUR);
    const later = t.client();
    await later.post("/api/v1/password-reset", { json: { loginId: customer.loginId, birthDate: BIRTH_DATE } });
    const done = await later.post("/api/v1/password-reset/complete", { json: { code: await t.codeFor(newEmail, 3), newPassword: "a brand new phrase 42" } });
    assert.equal(done.statusCode, 200, done.body);
  });

  it("パスキー必須 off and MFA off with four eyes take effect after the wait; the MFA-off routes of issue 12 keep working", async () => {
    const customer = await customerWithEverything(t);
    const agent = await t.consoleClient({ role: "agent" });
    const supervisor = await t.consoleClient({ role: "supervisor" });
    const passkeyOff = await post(agent, `customers/${customer.loginId}/passkey-required-off-requests`, { reason: REASON, identityChecked: true });
    const mfaOff = await post(agent, `customers/${customer.loginId}/mfa-off-requests`, { reason: REASON });
    assert.equal(mfaOff.status, 200);
    const pending = (await supervisor.client.get("/console/api/v1/security-requests?state=pending")).json() as { items: Json[] };
    const kinds = pending.items.filter((item) => item["loginId"] === customer.loginId).map((item) => item["kind"]).sort();
    assert.deepEqual(kinds, ["mfa_off", "passkey_required_off"], "every kind in one list");
    assert.equal((await post(supervisor, `security-requests/${passkeyOff.body["requestId"] as string}/approve`, { reason: "確認" })).status, 200);
    const oldRoute = await supervisor.client.post(`/console/api/v1/mfa-off-requests/${mfaOff.body["requestId"] as string}/approve`, { json: { reason: "確認" } });
    assert.deepEqual([oldRoute.statusCode, oldRoute.json()], [200, { status: "ok" }]);
    const before = await facts(t, customer);
    assert.deepEqual([before["passkeyRequired"], before["mfaEnabled"]], [true, true], "nothing before the wait");
    const waiting = (await supervisor.client.get("/console/api/v1/mfa-off-requests?state=approved")).json() as { items: Json[] };
    assert.ok(waiting.items.some((item) => item["id"] === mfaOff.body["requestId"] && typeof item["effectiveAt"] === "string"));
    t.clock.advance(24 * HOUR);
    assert.equal(await t.service.applyDueSecurityRequests(), 2);
    const after = await facts(t, customer);
    assert.deepEqual([after["passkeyRequired"], after["mfaEnabled"]], [false, false]);
  });

  it("a cancel during the wait stops it: any operator may cancel, the customer is told, nothing changes later", async () => {
    const customer = await customerWithEverything(t);
    const agent = await t.consoleClient({ role: "agent" });
    const supervisor = await t.consoleClient({ role: "supervisor" });
    const requestId = await requestEmailChange(t, agent, customer, `taker-${customer.loginId}@attacker.example`);
    await post(supervisor, `security-requests/${requestId}/approve`, { reason: "確認" });
    t.clock.advance(3 * HOUR);
    const otherAgent = await t.consoleClient({ role: "agent" });
    // The real customer read the notice and called: another agent cancels.
    const cancelled = await post(otherAgent, `security-requests/${requestId}/cancel`, { reason: "ご本人から「心当たりがない」とのお電話" });
    assert.equal(cancelled.status, 200, JSON.stringify(cancelled.body));
    assert.deepEqual([cancelled.body["id"], cancelled.body["kind"], cancelled.body["state"]], [requestId, "email_change", "cancelled"]);
    assert.match((await t.mailTo(customer.email, 1, "【OKB証券】重要メール変更のお申し出についてのお知らせ")).text, /行いませんでした/u);
    const twice = await post(otherAgent, `security-requests/${requestId}/cancel`, { reason: "もう一度" });
    assert.deepEqual([twice.status, errorOf(twice.body).reason], [400, "request_closed"]);
    t.clock.advance(48 * HOUR);
    assert.equal(await t.service.applyDueSecurityRequests(), 0);
    assert.equal((await facts(t, customer))["maskedEmail"], maskEmail(customer.email));
    assert.deepEqual(await resetCodeRecipients(t, customer), [customer.email]);
    const events = (await t.auditEvents(customer.customer.id)).map((event) => event.event);
    assert.ok(events.includes("security_request.cancelled") && !events.includes("security_request.effective"));
  });
});

describe("a due request that can no longer apply is cancelled by the system, audited and told (security review of issue 17)", () => {
  const t = sharedTestService({ env: { SECURITY_CHANGE_DELAY_HOURS: "24" } });

  it("the 重要メール changes between the sweep's read and its transaction: the request is cancelled, audited with the system as actor, and the customer is mailed", async () => {
    const customer = await customerWithEverything(t);
    const agent = await t.consoleClient({ role: "agent" });
    const supervisor = await t.consoleClient({ role: "supervisor" });
    const requestId = await requestEmailChange(t, agent, customer, `later-${customer.loginId}@example.co.jp`);
    assert.equal((await post(supervisor, `security-requests/${requestId}/approve`, { reason: "確認" })).status, 200);
    t.clock.advance(24 * HOUR);
    // Injected: the customer's address changes (another effective change) right after the sweep
    // read it. The sweep is the service's own code over the same database, with that one read wrapped.
    const moved = `moved-${customer.loginId}@example.co.jp`;
    const stores = t.stores();
    const customers: CustomerStore = Object.assign(Object.create(stores.customers) as CustomerStore, {
      async findById(id: string): Promise<Customer | null> {
        const read = await stores.customers.findById(id);
        if (read !== null && read.email !== moved) {
          assert.ok(await stores.customers.changeEmail(id, read.email, moved));
        }
        return read;
      },
    });
    const sweep = new SecurityRequests({
      customers,
      requests: stores.securityRequests,
      passkeys: stores.passkeys,
      verifications: {} as EmailVerifications,
      outbox: stores.mailOutbox(() => undefined),
      audit: stores.audit,
      clock: t.clock,
      random: nodeRandom,
      brand: t.config.brand,
      delayHours: 24,
    });
    assert.equal(await sweep.applyDue(), 0);
    await t.drainOutbox();
    const [item] = (await (await t.consoleClient()).client.get("/console/api/v1/security-requests?state=cancelled").then((r) => r.json() as { items: Json[] })).items.filter((entry) => entry["id"] === requestId);
    assert.equal(item?.["state"], "cancelled");
    const cancelled = (await t.auditEvents(customer.customer.id)).filter((event) => event.event === "security_request.cancelled");
    assert.deepEqual(cancelled.map((event) => [event.actor, event.detail["requestId"]]), [["system", requestId]]);
    assert.match((await t.mailTo(moved, 1, "【OKB証券】重要メール変更のお申し出についてのお知らせ")).text, /行いませんでした/u);
    assert.equal(await sweep.applyDue(), 0, "nothing left to apply");
    assert.equal((await t.auditEvents(customer.customer.id)).filter((event) => event.event === "security_request.cancelled").length, 1, "audited once");
  });
});

describe("security requests: four eyes, races and the new address's code (SECURITY_CHANGE_DELAY_HOURS=0)", () => {
  const t = sharedTestService();

  it("self-approval and a second approval are refused; of racing approvals one wins; with no wait it is effective at approval", async () => {
    const customer = await customerWithEverything(t);
    const requester = await t.consoleClient({ role: "supervisor" });
    const [first, second, third] = [await t.consoleClient({ role: "supervisor" }), await t.consoleClient({ role: "supervisor" }), await t.consoleClient({ role: "supervisor" })];
    const { body } = await post(requester, `customers/${customer.loginId}/passkey-required-off-requests`, { reason: REASON, identityChecked: true });
    const requestId = body["requestId"] as string;
    const own = await post(requester, `security-requests/${requestId}/approve`, { reason: "自分で" });
    assert.deepEqual([own.status, errorOf(own.body).code], [403, "4031"]);
    const race = await Promise.all([first, second].map((by) => post(by, `security-requests/${requestId}/approve`, { reason: "確認" })));
    assert.deepEqual(race.map((answer) => answer.status).sort(), [200, 400]);
    const winner = race.find((answer) => answer.status === 200);
    assert.deepEqual(winner?.body && [winner.body["state"], winner.body["kind"]], ["effective", "passkey_required_off"]);
    const late = await post(third, `security-requests/${requestId}/reject`, { reason: "遅い" });
    assert.deepEqual([late.status, errorOf(late.body).reason], [400, "request_decided"]);
    assert.equal((await facts(t, customer))["passkeyRequired"], false);
    assert.equal((await t.auditEvents(customer.customer.id)).filter((event) => event.event === "security_request.effective").length, 1);
  });

  it("the new address's code: wrong, for another address, another operator's, expired or replayed is refused and no request is written", async () => {
    const customer = await t.addCustomer();
    const agent = await t.consoleClient({ role: "agent" });
    const other = await t.consoleClient({ role: "agent" });
    const email = `new-${customer.loginId}@example.co.jp`;
    const openRequests = async (): Promise<number> => ((await agent.client.get("/console/api/v1/security-requests?state=pending")).json() as { items: Json[] }).items.filter((item) => item["loginId"] === customer.loginId).length;

    await post(agent, `customers/${customer.loginId}/email-verification`, { email });
    const code = await verificationCode(t, email);
    const wrongCode = code === "000000" ? "111111" : "000000";
    for (const [by, json, expected] of [
      [agent, { email, code: wrongCode, reason: REASON }, "5121"],
      [agent, { email: `other-${email}`, code, reason: REASON }, "5121"],
      [other, { email, code, reason: REASON }, "5121"],
      [agent, { email, code: "12345", reason: REASON }, "5121"],
    ] as const) {
      const answer = await post(by, `customers/${customer.loginId}/email-change-requests`, json);
      assert.deepEqual([answer.status, errorOf(answer.body).code], [401, expected], JSON.stringify(json));
    }
    assert.equal(await openRequests(), 0, "nothing written");
    t.clock.advance(10 * 60_000);
    const expired = await post(agent, `customers/${customer.loginId}/email-change-requests`, { email, code, reason: REASON });
    assert.deepEqual([expired.status, errorOf(expired.body).code], [401, "5122"]);

    await post(agent, `customers/${customer.loginId}/email-verification`, { email });
    const fresh = await verificationCode(t, email, 2);
    const made = await post(agent, `customers/${customer.loginId}/email-change-requests`, { email, code: fresh, reason: REASON });
    assert.equal(made.status, 200);
    await post(agent, `security-requests/${made.body["requestId"] as string}/cancel`, { reason: "取り消し" });
    const replayed = await post(agent, `customers/${customer.loginId}/email-change-requests`, { email, code: fresh, reason: REASON });
    assert.deepEqual([replayed.status, errorOf(replayed.body).code], [401, "5121"], "a used code is not used twice");
    assert.equal(await openRequests(), 0);
    const events = await t.auditEvents(customer.customer.id);
    assert.ok(!JSON.stringify(events).includes(fresh) && !JSON.stringify(events).includes(code), "no code in the audit log");
  });

  it("the new address's code: the same address and a bad one are refused; sending is rate-limited per customer", async () => {
    const customer = await t.addCustomer();
    const agent = await t.consoleClient({ role: "agent" });
    const same = await post(agent, `customers/${customer.loginId}/email-verification`, { email: customer.email.toUpperCase() });
    assert.deepEqual([same.status, errorOf(same.body).reason], [400, "same_email"]);
    const bad = await post(agent, `customers/${customer.loginId}/email-verification`, { email: "not an address" });
    assert.deepEqual([bad.status, errorOf(bad.body).code], [400, "4000"]);
    const unknown = await post(agent, "customers/no-such-customer/email-verification", { email: "a@example.jp" });
    assert.equal(unknown.status, 404);
    const statuses: number[] = [];
    for (let i = 0; i < 6; i += 1) {
      statuses.push((await post(agent, `customers/${customer.loginId}/email-verification`, { email: `n${i}@example.jp` })).status);
    }
    assert.deepEqual(statuses, [200, 200, 200, 200, 200, 429]);
  });

  it("生年月日の確認: 一致 / 不一致 only, audited without the date typed, limited per customer", async () => {
    const customer = await t.addCustomer({ birthDate: BIRTH_DATE });
    const agent = await t.consoleClient({ role: "agent" });
    const check = (birthDate: string) => post(agent, `customers/${customer.loginId}/birth-date-check`, { birthDate });
    assert.deepEqual(await check("1980-01-31"), { status: 200, body: { match: true } });
    assert.deepEqual(await check("１９８０－０１－３０"), { status: 200, body: { match: false } });
    assert.deepEqual((await check("yesterday")).status, 400);
    const events = (await t.auditEvents(customer.customer.id)).filter((event) => event.event === "console.birth_date_checked");
    assert.deepEqual(events.map((event) => event.detail["match"]), [true, false]);
    assert.ok(!JSON.stringify(events).includes("1980"), "the typed date is not in the audit log");
    const statuses: number[] = [];
    for (let i = 0; i < 4; i += 1) {
      statuses.push((await check("1990-05-05")).status);
    }
    assert.deepEqual(statuses, [200, 200, 200, 429], "5 checks an hour per customer");
    const none = await t.addCustomer();
    assert.deepEqual(await post(agent, `customers/${none.loginId}/birth-date-check`, { birthDate: BIRTH_DATE }), { status: 200, body: { match: false } });
  });

  it("per operator: one agent spreading codes to new addresses and birth-date checks over many customers is refused [5124] at the 31st in the hour, another operator is not", async () => {
    const agent = await t.consoleClient({ role: "agent" });
    const customers: TestCustomer[] = [];
    for (let i = 0; i < 7; i += 1) {
      customers.push(await t.addCustomer({ birthDate: BIRTH_DATE }));
    }
    const spread = async (by: Operator, customer: TestCustomer, kind: "email-verification" | "birth-date-check", n: number): Promise<{ status: number; body: Json }> =>
      kind === "email-verification"
        ? post(by, `customers/${customer.loginId}/email-verification`, { email: `spread${n}-${customer.loginId}@example.jp` })
        : post(by, `customers/${customer.loginId}/birth-date-check`, { birthDate: "1990-05-05" });
    for (const kind of ["email-verification", "birth-date-check"] as const) {
      // 5 per customer (the per-customer limit) over 6 customers: 30, all answered.
      const statuses: number[] = [];
      for (const customer of customers.slice(0, 6)) {
        for (let n = 0; n < 5; n += 1) {
          statuses.push((await spread(agent, customer, kind, n)).status);
        }
      }
      assert.deepEqual(statuses, Array.from({ length: 30 }, () => 200), `${kind}: 30 an hour per operator are answered`);
      // The 31st, for a customer this agent has not touched: refused for the operator's limit.
      const last = customers[6] as TestCustomer;
      const refused = await spread(agent, last, kind, 0);
      assert.deepEqual([refused.status, errorOf(refused.body).code], [429, "5124"], `${kind}: the operator's 31st`);
      const other = await t.consoleClient({ role: "agent" });
      assert.equal((await spread(other, last, kind, 1)).status, 200, `${kind}: another operator is not held by this one's count`);
    }
    const limited = (await t.auditEvents((customers[6] as TestCustomer).customer.id)).filter((event) => event.event === "rate_limited");
    assert.deepEqual(limited.map((event) => event.detail["limit"]), ["emailVerificationPerOperator", "birthDateChecksPerOperator"]);
  });
});

describe("SECURITY_CHANGE_DELAY_HOURS", () => {
  it("is read from the environment (0 allowed outside production, a warning); production refuses 0", async (context) => {
    const { loadConfig } = await import("../../src/config.ts");
    const base = { NODE_ENV: "development", DEMO_CUSTOMER: "false" };
    assert.equal(loadConfig(base).config.securityChangeDelayHours, 24);
    const zero = loadConfig({ ...base, SECURITY_CHANGE_DELAY_HOURS: "0" });
    assert.equal(zero.config.securityChangeDelayHours, 0);
    assert.ok(zero.warnings.some((warning) => warning.includes("SECURITY_CHANGE_DELAY_HOURS")));
    assert.throws(() => loadConfig({ ...base, SECURITY_CHANGE_DELAY_HOURS: "-1" }), /SECURITY_CHANGE_DELAY_HOURS/);
    assert.throws(() => loadConfig({ ...base, SECURITY_CHANGE_DELAY_HOURS: "soon" }), /SECURITY_CHANGE_DELAY_HOURS/);
    assert.throws(
      () => loadConfig({ NODE_ENV: "production", SMTP_URL: "smtp://relay", SERVER_SECRET: "x".repeat(40), PUBLIC_URL: "https://login.example.jp", SECURITY_CHANGE_DELAY_HOURS: "0" }),
      /SECURITY_CHANGE_DELAY_HOURS/,
    );
    void context;
    void startTestService;
  });
});
