import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { sharedTestService } from "../support/test-service.ts";
import type { TestCustomer } from "../support/test-service.ts";
import { pageLogin, visibleText } from "../support/page-login.ts";
import { connectionRow, insertClient, insertGrantPayloads, newConnection, payloadCount, queuedLogouts } from "../support/oidc-rows.ts";
import { formatJapanTime } from "../../src/core/kernel/japan-time.ts";

const OPERATOR_NAME = "鈴木 一郎";
const REASON = "ご本人からの電話：スマートフォンを紛失（生年月日で本人確認済み）";
const NOTICE = "【OKB証券】サービス連携解除のお知らせ";
const SERVICE_NAME = "OKB取引サイト";

// Issue 20 item 8, the call center's side: the console's customer page and its JSON list the
// customer's connected services, and an operator ends one with a reason: the client's tokens go,
// it hears of it by back-channel logout, the customer's sessions go on, the action is audited with
// the operator and the reason, and the customer is mailed a notice that names the service.
describe("the console: a customer's connected services, and an operator ending one", () => {
  const t = sharedTestService({ env: { RATE_LIMIT_CODE_MAILS_PER_CUSTOMER: "100/60" } });

  /** A customer logged in on our pages whose session is connected to a new client (rows as the provider's adapter and the store write them). */
  async function connected(loginId: string): Promise<{ customer: TestCustomer; clientId: string; connectionId: string; grantId: string; browser: Awaited<ReturnType<typeof pageLogin>> }> {
    const customer = await t.addCustomer({ loginId });
    const browser = await pageLogin(t, customer);
    const { database } = t.service;
    const stores = t.stores();
    const clientId = await insertClient(database.db, { name: SERVICE_NAME, backchannelLogoutUri: "https://trade.okb-sec.example/backchannel" });
    const [session] = await stores.sessions.listOpen(customer.customer.id);
    assert.ok(session !== undefined);
    const connection = newConnection(customer.customer, session, clientId, { createdAt: t.clock.now(), lastUsedAt: t.clock.now() });
    await insertGrantPayloads(database.db, connection.grantId);
    assert.equal(await stores.oidcConnections.record(connection), true);
    return { customer, clientId, connectionId: connection.id, grantId: connection.grantId, browser };
  }

  it("GET /console/api/v1/customers/{loginId} lists them; revoke-connection ends that client's tokens and queues its logout, audited, a notice mailed; the customer stays logged in", async () => {
    const { customer, clientId, connectionId, grantId, browser } = await connected("console-conn-api");
    const { client, operatorId } = await t.consoleClient({ name: OPERATOR_NAME });
    const facts = (await client.get("/console/api/v1/customers/console-conn-api")).json();
    assert.deepEqual(facts.connectedServices, [{ clientId, clientName: SERVICE_NAME, since: facts.connectedServices[0].since, lastUsedAt: facts.connectedServices[0].lastUsedAt }]);
    assert.match(facts.connectedServices[0].since, /\+09:00$/u);

    t.clock.advance(60_000);
    const response = await client.post("/console/api/v1/customers/console-conn-api/revoke-connection", { json: { clientId, reason: REASON } });
    assert.equal(response.statusCode, 200, response.body);
    assert.deepEqual(response.json(), { status: "ok", ended: 1 });

    const row = await connectionRow(t.service.database.db, connectionId);
    assert.equal(row.end_reason, "revoked_by_operator");
    assert.equal(row.ended_at, t.clock.now());
    assert.equal(await payloadCount(t.service.database.db, grantId), 0, "the grant's tokens are gone");
    assert.equal((await queuedLogouts(t.service.database.db, customer.customer.id)).length, 1, "a back-channel logout queued");
    assert.equal((await browser.get("/api/v1/session")).statusCode, 200, "the customer's own session goes on");
    assert.deepEqual((await client.get("/console/api/v1/customers/console-conn-api")).json().connectedServices, []);

    const events = (await t.auditEvents(customer.customer.id)).filter((event) => event.event === "oidc.connection_ended");
    assert.equal(events.length, 1);
    assert.equal(events[0]?.actor, operatorId);
    assert.equal(events[0]?.outcome, "ok");
    assert.equal(events[0]?.detail["reason"], REASON);
    assert.equal(events[0]?.detail["clientId"], clientId);
    assert.equal(events[0]?.detail["clientName"], SERVICE_NAME);
    assert.equal(events[0]?.detail["endedBy"], "operator");

    const mail = await t.mailTo(customer.email, 1, NOTICE);
    assert.match(mail.text, /「OKB取引サイト」とお客さまの口座との連携を解除しました/u);
    assert.match(mail.text, new RegExp(`日時: ${formatJapanTime(t.clock.now())}`, "u"));
    assert.match(mail.text, /お心当たりがない場合[\s\S]*コールセンター/u);
    assert.ok(!mail.text.includes(OPERATOR_NAME), "never the operator's name");
    assert.ok(!mail.text.includes(REASON), "never the operator's reason");
    assert.doesNotMatch(mail.text, /https?:|www\./u, "no link");
  });

  it("refuses what does not apply with [4000] not_connected (ended already, unknown client), a missing reason or a malformed client ID, and an unknown customer with [4040]: nothing ended or mailed", async () => {
    const { customer, clientId, connectionId } = await connected("console-conn-refused");
    const { client } = await t.consoleClient();
    for (const body of [{ clientId }, { clientId, reason: "  " }, { clientId: "a b", reason: REASON }, { reason: REASON }]) {
      const malformed = await client.post("/console/api/v1/customers/console-conn-refused/revoke-connection", { json: body });
      assert.equal(malformed.statusCode, 400, JSON.stringify(body));
      assert.equal(malformed.json().error.code, "4000");
    }
    const unknown = await client.post("/console/api/v1/customers/console-conn-refused/revoke-connection", { json: { clientId: "no-such-client", reason: REASON } });
    assert.equal(unknown.statusCode, 400);
    assert.equal(unknown.json().error.reason, "not_connected");
    assert.match(unknown.json().error.message, /^このお客さまは、このサービスと連携していません/u);
    const nobody = await client.post("/console/api/v1/customers/no-such-customer/revoke-connection", { json: { clientId, reason: REASON } });
    assert.equal(nobody.statusCode, 404);
    assert.equal((await connectionRow(t.service.database.db, connectionId)).ended_at, null, "nothing ended");

    assert.equal((await client.post("/console/api/v1/customers/console-conn-refused/revoke-connection", { json: { clientId, reason: REASON } })).statusCode, 200);
    const again = await client.post("/console/api/v1/customers/console-conn-refused/revoke-connection", { json: { clientId, reason: REASON } });
    assert.equal(again.statusCode, 400);
    assert.equal(again.json().error.reason, "not_connected");
    await t.drainOutbox();
    assert.deepEqual((await t.queuedSubjects(customer.email)).filter((subject) => subject === NOTICE), [NOTICE], "one notice only");
    const refusals = (await t.auditEvents(customer.customer.id)).filter((event) => event.event === "console.refused");
    assert.ok(refusals.some((event) => event.detail["reason"] === "not_connected"), "the refusal is audited");
  });

  it("the customer page lists the service; its form ends it (PRG, the result shown); a refusal shows in the card", async () => {
    const { customer, clientId } = await connected("console-conn-page");
    const { client } = await t.consoleClient();
    const page = await client.get("/console/customers/console-conn-page");
    assert.equal(page.statusCode, 200);
    const text = visibleText(page.body);
    assert.match(text, /連携中のサービス[\s\S]*OKB取引サイト[\s\S]*client-/u);
    assert.match(text, /サービス連携の解除[\s\S]*「OKB取引サイト」との連携を解除する/u);
    assert.match(visibleText((await client.get("/console/customers/console-conn-page?lang=en")).body), /Connected services[\s\S]*End the connection to “OKB取引サイト”/u);

    const refused = await client.post("/console/customers/console-conn-page/revoke-connection", { form: { clientId: "no-such-client", reason: REASON } });
    assert.equal(refused.statusCode, 400);
    assert.match(visibleText(refused.body), /サービス連携の解除[\s\S]*\[4000\] このお客さまは、このサービスと連携していません/u);

    const done = await client.post("/console/customers/console-conn-page/revoke-connection", { form: { clientId, reason: REASON } });
    assert.equal(done.statusCode, 303);
    assert.equal(done.headers.location, "/console/customers/console-conn-page?done=connection-revoked");
    const after = visibleText((await client.get(String(done.headers.location))).body);
    assert.match(after, /サービスとの連携を解除しました。お客さまに通知メールを送りました。/u);
    assert.match(after, /連携中のサービスはありません。/u);
    assert.equal((await t.auditEvents(customer.customer.id)).filter((event) => event.event === "oidc.connection_ended").length, 1);
  });
});
