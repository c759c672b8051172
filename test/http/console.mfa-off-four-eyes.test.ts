import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { sharedTestService } from "../support/test-service.ts";
import type { TestCustomer } from "../support/test-service.ts";
import type { WebClient } from "../support/web-client.ts";
import { isoJapanTime } from "../../src/core/kernel/japan-time.ts";
import { SecurityRequests } from "../../src/core/console/security-requests/security-requests.ts";
import type { EmailVerifications } from "../../src/core/console/security-requests/email-verification.ts";
import type { OperatorAction } from "../../src/core/console/operator-action.ts";
import type { SecurityRequestStore } from "../../src/core/console/security-requests/ports-security-requests.ts";
import { nodeRandom } from "../../src/adapters/crypto/node-random.ts";

const REASON = "ご本人から電話で解除のご依頼（生年月日・住所で本人確認済み）";
const RECEIVED = "【OKB証券】多要素認証解除のお申し出受付のお知らせ";
const MFA_OFF = "【OKB証券】多要素認証解除のお知らせ";
const REJECTED = "【OKB証券】多要素認証解除のお申し出についてのお知らせ";
const DAY = 24 * 60 * 60 * 1000;

interface Console {
  client: WebClient;
  operatorId: string;
  loginId: string;
}

describe("four eyes on MFA off (POST customers/{loginId}/mfa-off-requests, mfa-off-requests/{id}/approve|reject)", () => {
  const t = sharedTestService();

  async function requestOff(by: Console, customer: TestCustomer): Promise<string> {
    const response = await by.client.post(`/console/api/v1/customers/${customer.loginId}/mfa-off-requests`, { json: { reason: REASON } });
    assert.equal(response.statusCode, 200, response.body);
    const { requestId } = response.json() as { requestId: string };
    assert.equal(typeof requestId, "string");
    return requestId;
  }

  function decide(by: Console, requestId: string, decision: "approve" | "reject") {
    return by.client.post(`/console/api/v1/mfa-off-requests/${requestId}/${decision}`, { json: { reason: "申請内容と通話記録を確認" } });
  }

  async function loginAnswer(customer: TestCustomer): Promise<unknown> {
    return (await t.client().post("/api/v1/login", { json: { loginId: customer.loginId, password: customer.password } })).json();
  }

  async function pendingIds(by: Console): Promise<string[]> {
    const response = await by.client.get("/console/api/v1/mfa-off-requests?state=pending");
    assert.equal(response.statusCode, 200, response.body);
    return (response.json() as { items: Array<{ id: string }> }).items.map((item) => item.id);
  }

  it("an agent requests, a different supervisor approves: the customer logs in with the password alone and is told the risk", async () => {
    const customer = await t.addCustomer({ name: "高橋 美咲" });
    const agent = await t.consoleClient({ role: "agent" });
    const supervisor = await t.consoleClient({ role: "supervisor" });
    const requestId = await requestOff(agent, customer);
    const requestedAt = t.clock.now();
    assert.match((await t.mailTo(customer.email, 1, RECEIVED)).text, /それまでは多要素認証は有効です/u, "the customer hears of the request before anyone approves");
    assert.equal((await loginAnswer(customer) as { status: string }).status, "mfa_required", "MFA stays on until approved");

    const listed = await supervisor.client.get("/console/api/v1/mfa-off-requests?state=pending");
    const item = (listed.json() as { items: Array<Record<string, unknown>> }).items.find((entry) => entry.id === requestId);
    assert.deepEqual(item, {
      id: requestId,
      loginId: customer.loginId,
      customerName: "高橋 美咲",
      requestedBy: agent.loginId,
      reason: REASON,
      createdAt: isoJapanTime(requestedAt),
      expiresAt: isoJapanTime(requestedAt + DAY),
      state: "pending",
    });

    t.clock.advance(60_000);
    const approved = await decide(supervisor, requestId, "approve");
    assert.equal(approved.statusCode, 200, approved.body);
    assert.deepEqual(approved.json(), { status: "ok" });
    assert.deepEqual(await loginAnswer(customer), { status: "ok", mfaOff: true });
    const notice = (await t.mailTo(customer.email, 1, MFA_OFF)).text;
    assert.match(notice, /ログインIDとログインパスワードを知っている人は、誰でもお客さまの口座にログインできる/u);
    assert.match(notice, /多要素認証の設定を強くお勧めしています。解除後は十分ご注意ください。/u);
    assert.match(notice, /コールセンター（0120-483744[^）]*）へご連絡いただければ、いつでも再び設定できます/u);
    assert.match(notice, /anyone who knows your login ID and password can log in/u);
    assert.doesNotMatch(notice, /https?:|www\./u);
    assert.ok(!notice.includes(REASON));

    const events = await t.auditEvents(customer.customer.id);
    const requested = events.find((event) => event.event === "security_request.requested");
    const decided = events.find((event) => event.event === "security_request.approved");
    assert.equal(requested?.actor, agent.operatorId);
    assert.equal(requested?.detail.reason, REASON);
    assert.equal(decided?.actor, supervisor.operatorId);
    assert.equal(decided?.detail.reason, "申請内容と通話記録を確認");
    assert.equal(decided?.detail.requestId, requestId);
    assert.ok(!(await pendingIds(supervisor)).includes(requestId));
    // SECURITY_CHANGE_DELAY_HOURS=0 here (the test service's default): effective at approval (issue 17).
    const approvedList = (await supervisor.client.get("/console/api/v1/mfa-off-requests?state=effective")).json() as { items: Array<{ id: string; state: string }> };
    assert.equal(approvedList.items.find((entry) => entry.id === requestId)?.state, "effective");
  });

  it("an agent may not approve or reject: [4031], the request stays pending", async () => {
    const customer = await t.addCustomer();
    const agent = await t.consoleClient({ role: "agent" });
    const otherAgent = await t.consoleClient({ role: "agent" });
    const requestId = await requestOff(agent, customer);
    for (const decision of ["approve", "reject"] as const) {
      const refused = await decide(otherAgent, requestId, decision);
      assert.equal(refused.statusCode, 403);
      assert.equal(refused.json().error.code, "4031");
    }
    assert.equal((await loginAnswer(customer) as { status: string }).status, "mfa_required");
    assert.ok((await pendingIds(agent)).includes(requestId));
  });

  it("a supervisor may not approve their own request, so nobody turns MFA off alone: [4031]", async () => {
    const customer = await t.addCustomer();
    const supervisor = await t.consoleClient({ role: "supervisor" });
    const requestId = await requestOff(supervisor, customer);
    const refused = await decide(supervisor, requestId, "approve");
    assert.equal(refused.statusCode, 403);
    assert.equal(refused.json().error.code, "4031");
    assert.equal((await decide(supervisor, requestId, "reject")).json().error.code, "4031");
    assert.equal((await loginAnswer(customer) as { status: string }).status, "mfa_required");
    assert.deepEqual((await t.queuedSubjects(customer.email)).filter((subject) => subject !== "【OKB証券】認証コードのお知らせ"), [RECEIVED], "no MFA-off notice");
  });

  it("a request past its 24 hours is refused and no longer listed; a new request may then be made", async () => {
    const customer = await t.addCustomer();
    const requestId = await requestOff(await t.consoleClient({ role: "agent" }), customer);
    t.clock.advance(DAY);
    // Console sessions idle out after 15 minutes: the decision comes from a fresh session a day later.
    const supervisor = await t.consoleClient({ role: "supervisor" });
    assert.ok(!(await pendingIds(supervisor)).includes(requestId));
    const expired = (await supervisor.client.get("/console/api/v1/mfa-off-requests?state=expired")).json() as { items: Array<{ id: string }> };
    assert.ok(expired.items.some((entry) => entry.id === requestId));
    const refused = await decide(supervisor, requestId, "approve");
    assert.equal(refused.statusCode, 400);
    assert.equal(refused.json().error.reason, "request_expired");
    assert.equal((await loginAnswer(customer) as { status: string }).status, "mfa_required");
    assert.equal((await t.auditEvents(customer.customer.id)).filter((event) => event.event === "security_request.approved").length, 0);
    const renewed = await requestOff(await t.consoleClient({ role: "agent" }), customer);
    assert.notEqual(renewed, requestId);
    assert.equal((await decide(supervisor, renewed, "approve")).statusCode, 200);
    assert.deepEqual(await loginAnswer(customer), { status: "ok", mfaOff: true });
  });

  it("reject: MFA stays on and the customer is told; the request cannot then be approved", async () => {
    const customer = await t.addCustomer();
    const agent = await t.consoleClient({ role: "agent" });
    const supervisor = await t.consoleClient({ role: "supervisor" });
    const requestId = await requestOff(agent, customer);
    const rejected = await decide(supervisor, requestId, "reject");
    assert.deepEqual(rejected.json(), { status: "ok" });
    assert.equal((await loginAnswer(customer) as { status: string }).status, "mfa_required");
    assert.match((await t.mailTo(customer.email, 1, REJECTED)).text, /ログイン時多要素認証の解除は、行いませんでした。お客さまの設定は変わっていません。/u);
    const event = (await t.auditEvents(customer.customer.id)).find((entry) => entry.event === "security_request.rejected");
    assert.equal(event?.actor, supervisor.operatorId);
    const late = await decide(await t.consoleClient({ role: "supervisor" }), requestId, "approve");
    assert.equal(late.statusCode, 400);
    assert.equal(late.json().error.reason, "request_decided");
    assert.equal((await loginAnswer(customer) as { status: string }).status, "mfa_required");
  });

  it("a second approval is refused, and two approvals racing: one wins, one notice", async () => {
    const customer = await t.addCustomer();
    const agent = await t.consoleClient({ role: "agent" });
    const first = await t.consoleClient({ role: "supervisor" });
    const second = await t.consoleClient({ role: "supervisor" });
    const requestId = await requestOff(agent, customer);
    const third = await t.consoleClient({ role: "supervisor" });
    const race = await Promise.all([decide(first, requestId, "approve"), decide(second, requestId, "approve"), decide(third, requestId, "approve")]);
    assert.deepEqual(race.map((response) => response.statusCode).sort(), [200, 400, 400]);
    assert.equal(race.find((response) => response.statusCode === 400)?.json().error.reason, "request_decided");
    const again = await decide(first, requestId, "approve");
    assert.equal(again.statusCode, 400);
    assert.equal(again.json().error.reason, "request_decided");
    assert.deepEqual((await t.queuedSubjects(customer.email)).filter((subject) => subject === MFA_OFF), [MFA_OFF]);
    assert.equal((await t.auditEvents(customer.customer.id)).filter((event) => event.event === "security_request.approved").length, 1);
  });

  it("two supervisors who both read the request as pending: the one UPDATE … WHERE state = 'pending' lets one win", async () => {
    const customer = await t.addCustomer();
    const agent = await t.consoleClient({ role: "agent" });
    const requestId = await requestOff(agent, customer);
    const stores = t.stores();
    // Both approvals read the request before either writes: each findById waits for the other.
    let arrived = 0;
    let release: () => void = () => {};
    const bothRead = new Promise<void>((resolve) => {
      release = resolve;
    });
    const requests: SecurityRequestStore = {
      ...stores.securityRequests,
      async findById(id, now) {
        const found = await stores.securityRequests.findById(id, now);
        arrived += 1;
        if (arrived === 2) {
          release();
        }
        await bothRead;
        return found;
      },
    };
    // The e-mail verifications play no part in an approval.
    const service = new SecurityRequests({ customers: stores.customers, requests, passkeys: stores.passkeys, verifications: {} as EmailVerifications, outbox: stores.mailOutbox(() => {}), audit: stores.audit, clock: t.clock, random: nodeRandom, brand: t.config.brand, delayHours: 0 });
    const action = async (supervisor: Console): Promise<OperatorAction> => {
      const operator = await stores.operators.findById(supervisor.operatorId);
      assert.ok(operator);
      return { operator, reason: "確認済み", context: { ip: "192.0.2.1", userAgent: "test", requestId: "race" } };
    };
    const [first, second] = [await t.consoleClient({ role: "supervisor" }), await t.consoleClient({ role: "supervisor" })];
    const outcomes = await Promise.allSettled([service.approve(requestId, await action(first)), service.approve(requestId, await action(second))]);
    assert.deepEqual(outcomes.map((outcome) => outcome.status).sort(), ["fulfilled", "rejected"]);
    const lost = outcomes.find((outcome) => outcome.status === "rejected");
    assert.equal(lost?.status === "rejected" ? (lost.reason as { reason?: string }).reason : null, "request_decided");
    assert.deepEqual((await t.queuedSubjects(customer.email)).filter((subject) => subject === MFA_OFF), [MFA_OFF]);
  });

  it("one pending request per customer; none when MFA is off already; bad reason, unknown customer or request, no session", async () => {
    const customer = await t.addCustomer();
    const agent = await t.consoleClient({ role: "agent" });
    const supervisor = await t.consoleClient({ role: "supervisor" });
    await requestOff(agent, customer);
    const second = await supervisor.client.post(`/console/api/v1/customers/${customer.loginId}/mfa-off-requests`, { json: { reason: REASON } });
    assert.equal(second.statusCode, 400);
    assert.equal(second.json().error.reason, "request_pending");
    assert.equal(second.json().error.message, "このお客さまの同じ種類の申請が、すでに承認待ちまたは反映待ちです。");

    const off = await t.addCustomer({ mfaEnabled: false });
    const already = await agent.client.post(`/console/api/v1/customers/${off.loginId}/mfa-off-requests`, { json: { reason: REASON } });
    assert.equal(already.json().error.reason, "mfa_already_off");
    const blank = await agent.client.post(`/console/api/v1/customers/${off.loginId}/mfa-off-requests`, { json: { reason: " " } });
    assert.equal(blank.json().error.code, "4000");
    assert.deepEqual(await t.queuedSubjects(off.email), []);

    const unknownCustomer = await agent.client.post("/console/api/v1/customers/no.such.customer/mfa-off-requests", { json: { reason: REASON } });
    assert.equal(unknownCustomer.statusCode, 404);
    const unknownRequest = await decide(supervisor, "00000000-0000-4000-8000-000000000000", "approve");
    assert.equal(unknownRequest.statusCode, 404);
    assert.deepEqual(unknownRequest.json(), { error: { code: "4040", message: "該当する申請が見つかりません。" } });
    assert.equal((await t.client().get("/console/api/v1/mfa-off-requests?state=pending")).json().error.code, "4010");
    assert.equal((await supervisor.client.get("/console/api/v1/mfa-off-requests?state=everything")).json().error.code, "4000");
  });
});
