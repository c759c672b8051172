import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { sharedTestService } from "../support/test-service.ts";
import { pageLogin } from "../support/page-login.ts";

const ISO_JST = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+09:00$/;
let serial = 0;

/** A login ID no other test in this file uses (the service is shared). */
function uniqueId(stem: string): string {
  serial += 1;
  return `${stem}${serial}x${Date.now() % 100000}`;
}

describe("console customer lookup (GET /console/api/v1/customers, /customers/{loginId})", () => {
  const t = sharedTestService();

  it("finds a customer by login ID, exactly (case and width folded as at login) or by prefix", async () => {
    const stem = uniqueId("lookup");
    const taro = await t.addCustomer({ loginId: `${stem}a`, name: "山田 太郎" });
    await t.addCustomer({ loginId: `${stem}b`, name: "山田 次郎" });
    const { client } = await t.consoleClient();

    const exact = await client.get(`/console/api/v1/customers?q=${encodeURIComponent(taro.loginId.toUpperCase())}`);
    assert.equal(exact.statusCode, 200, exact.body);
    assert.deepEqual(exact.json().items, [
      { loginId: taro.loginId, name: "山田 太郎", maskedEmail: `${taro.loginId.slice(0, 1)}***@example.co.jp`, mfaEnabled: true, locked: false, frozen: false, emailUndeliverable: false },
    ]);
    // Full-width, as typed with a Japanese IME.
    const wide = [...stem].map((char) => String.fromCodePoint((char.codePointAt(0) ?? 0) + 0xfee0)).join("");
    const prefix = await client.get(`/console/api/v1/customers?q=${encodeURIComponent(wide)}`);
    assert.deepEqual(
      prefix.json().items.map((item: { loginId: string }) => item.loginId),
      [`${stem}a`, `${stem}b`],
    );
  });

  it("finds a name's kana part from hiragana, katakana or half-width kana, and kanji in part, spaces ignored", async () => {
    const sakura = await t.addCustomer({ loginId: uniqueId("sato"), name: "佐藤 サクラ" });
    await t.addCustomer({ loginId: uniqueId("other"), name: "田中 一郎" });
    const { client } = await t.consoleClient();
    for (const q of ["さくら", "サクラ", "ｻｸﾗ", "佐藤", "藤さく", "佐藤　サクラ"]) {
      const response = await client.get(`/console/api/v1/customers?q=${encodeURIComponent(q)}`);
      assert.equal(response.statusCode, 200, response.body);
      const ids = response.json().items.map((item: { loginId: string }) => item.loginId);
      assert.ok(ids.includes(sakura.loginId), `${q} should find 佐藤 サクラ, got ${ids.join(",")}`);
      assert.ok(response.json().items.every((item: { name: string }) => item.name !== "田中 一郎"), q);
    }
  });

  it("finds by e-mail exactly, case-insensitive, and shows only the masked address", async () => {
    const customer = await t.addCustomer({ loginId: uniqueId("mail"), email: `${uniqueId("Hanako.M")}@Example.co.jp` });
    const { client } = await t.consoleClient();
    const found = await client.get(`/console/api/v1/customers?q=${encodeURIComponent(customer.email.toLowerCase())}`);
    assert.equal(found.statusCode, 200);
    assert.deepEqual(found.json().items.map((item: { loginId: string }) => item.loginId), [customer.loginId]);
    assert.equal(found.json().items[0].maskedEmail, "H***@Example.co.jp");
    assert.ok(!found.body.includes(customer.email), "the full address never leaves in a list");
    // A part of an address is no match: e-mail is searched exactly.
    const partial = await client.get(`/console/api/v1/customers?q=${encodeURIComponent(customer.email.slice(3))}`);
    assert.deepEqual(partial.json().items, []);
  });

  it("answers [4000] for an empty or too long query and [4010] with no console session", async () => {
    const { client } = await t.consoleClient();
    for (const q of ["", "%20%20", encodeURIComponent("あ".repeat(101))]) {
      const response = await client.get(`/console/api/v1/customers?q=${q}`);
      assert.equal(response.statusCode, 400, q);
      assert.equal(response.json().error.code, "4000");
    }
    assert.equal((await client.get(`/console/api/v1/customers?q=${encodeURIComponent("あ".repeat(100))}`)).statusCode, 200);
    const anonymous = await t.client().get("/console/api/v1/customers?q=abc");
    assert.equal(anonymous.statusCode, 401);
    assert.equal(anonymous.json().error.code, "4010");
    const noSessionPage = await t.client().get("/console/api/v1/customers/abc");
    assert.equal(noSessionPage.json().error.code, "4010");
  });

  it("takes a search's % and _ literally", async () => {
    const { client } = await t.consoleClient();
    const response = await client.get(`/console/api/v1/customers?q=${encodeURIComponent("%")}`);
    assert.equal(response.statusCode, 200);
    assert.deepEqual(response.json().items, []);
  });

  it("shows an agent the customer page: status, whether a birth date is on record (never the date), history, live sessions, no secrets; the viewing is audited", async () => {
    const customer = await t.addCustomer({ loginId: uniqueId("facts"), name: "鈴木 花子", birthDate: "1985-04-12" });
    await pageLogin(t, customer, { ip: "198.51.100.7" });
    const { client, loginId: agentId, operatorId } = await t.consoleClient({ role: "agent" });
    // The test clock stands still: move it so the view comes after the login in time.
    t.clock.advance(1000);
    const response = await client.get(`/console/api/v1/customers/${customer.loginId.toUpperCase()}`);
    assert.equal(response.statusCode, 200, response.body);
    const facts = response.json();
    assert.equal(facts.loginId, customer.loginId);
    assert.equal(facts.name, "鈴木 花子");
    assert.equal(facts.maskedEmail, `${customer.loginId.slice(0, 1)}***@example.co.jp`);
    // Issue 17: never the date itself; 「生年月日の確認」 checks what the caller says.
    assert.equal(facts.birthDate, undefined);
    assert.equal(facts.birthDateOnRecord, true);
    assert.equal(facts.mfaEnabled, true);
    assert.equal(facts.locked, false);
    assert.equal(facts.lockedAt, null);
    assert.equal(facts.frozen, false);
    assert.equal(facts.failedCount, 0);
    assert.deepEqual(facts.passkeys, []);
    assert.equal(facts.loginHistory.length, 1);
    assert.equal(facts.loginHistory[0].outcome, "success");
    assert.equal(facts.loginHistory[0].ip, "198.51.100.7");
    assert.match(facts.loginHistory[0].at, ISO_JST);
    assert.equal(facts.sessions.length, 1);
    assert.deepEqual(Object.keys(facts.sessions[0]).sort(), ["createdAt", "device", "ip", "lastSeenAt"]);
    assert.equal(facts.sessions[0].ip, "198.51.100.7");
    assert.match(facts.sessions[0].device, /Chrome/);
    assert.match(facts.sessions[0].createdAt, ISO_JST);
    assert.ok(!response.body.includes(customer.email), "no full address");
    assert.ok(!/passwordHash|\$argon2|idHash|token/i.test(response.body), "no password hash, session hash or token");

    const viewed = (await t.auditEvents(customer.customer.id)).filter((event) => event.event === "console.customer_viewed");
    assert.equal(viewed.length, 1);
    assert.equal(viewed[0]?.actor, operatorId);
    assert.equal(viewed[0]?.detail["operatorLoginId"], agentId);
    // The trail shown names operators by login ID: the next view lists this one.
    const again = (await client.get(`/console/api/v1/customers/${customer.loginId}`)).json();
    const shown = again.auditTrail.find((entry: { event: string }) => entry.event === "console.customer_viewed");
    assert.equal(shown.actor, agentId);
    assert.match(shown.at, ISO_JST);
    assert.equal(again.auditTrail[0].event, "console.customer_viewed", "newest first");
    assert.ok(again.auditTrail.some((entry: { event: string; actor: string }) => entry.event === "session.created" && entry.actor === "customer"));
  });

  it("answers [4040] for an unknown login ID, and audits nothing", async () => {
    const { client, operatorId } = await t.consoleClient();
    const response = await client.get("/console/api/v1/customers/no.such.customer");
    assert.equal(response.statusCode, 404);
    assert.equal(response.json().error.code, "4040");
    const trail = await t.stores().auditQuery.find({ actor: operatorId, event: "console.customer_viewed" }, null, 10);
    assert.deepEqual(trail, []);
  });

  it("lists code mails with their delivery: sent with the relay's 250 reply, then retrying while the relay refuses", async () => {
    const customer = await t.addCustomer({ loginId: uniqueId("mails") });
    const first = t.client();
    await first.post("/login", { form: { loginId: customer.loginId, password: customer.password } });
    await t.codeFor(customer.email);
    await t.drainOutbox();

    t.smtp.refuseAll = true;
    try {
      t.clock.advance(60_000);
      await t.client().post("/login", { form: { loginId: customer.loginId, password: customer.password } });
      await t.drainOutbox();
    } finally {
      t.smtp.refuseAll = false;
    }
    const { client } = await t.consoleClient();
    const facts = (await client.get(`/console/api/v1/customers/${customer.loginId}`)).json();
    assert.equal(facts.codeMails.length, 2);
    const [retrying, sent] = facts.codeMails;
    for (const mail of facts.codeMails) {
      assert.deepEqual(Object.keys(mail), ["queuedAt", "state", "sentAt", "smtpResponse", "attempts", "lastError", "bounceReason", "bounceText"]);
    }
    assert.equal(sent.state, "sent");
    assert.match(sent.sentAt, ISO_JST);
    assert.match(sent.smtpResponse, /^250 /);
    assert.equal(sent.lastError, null);
    assert.equal(retrying.state, "retrying");
    assert.equal(retrying.sentAt, null);
    assert.equal(retrying.smtpResponse, null);
    assert.equal(retrying.attempts, 1);
    assert.match(retrying.lastError, /451/);
    assert.ok(Date.parse(retrying.queuedAt) > Date.parse(sent.queuedAt), "newest first");
    // A notice (not a code) is not listed: only code mails are.
    assert.ok(!JSON.stringify(facts.codeMails).includes("ログイン"), "no subject or body shown");

    // Ten minutes on, the refused mail counts as stuck (the outbox worker's own rule).
    t.clock.advance(10 * 60_000);
    const later = (await client.get(`/console/api/v1/customers/${customer.loginId}`)).json();
    assert.equal(later.codeMails[0].state, "stuck");
  });

  it("lists every code mail (login, password change, password reset) and no notice", async () => {
    const customer = await t.addCustomer({ loginId: uniqueId("codes"), birthDate: "1990-01-02" });
    const browser = await pageLogin(t, customer);
    t.clock.advance(1000);
    const change = await browser.post("/api/v1/password/code", { json: {} });
    assert.equal(change.statusCode, 200, change.body);
    t.clock.advance(1000);
    const reset = await t.client().post("/api/v1/password-reset", { json: { loginId: customer.loginId, birthDate: "1990-01-02" } });
    assert.equal(reset.statusCode, 200, reset.body);
    await t.drainOutbox();
    const queued = await t.queuedSubjects(customer.email);
    assert.ok(queued.length > 3, `a login notice was queued too: ${queued.join(" / ")}`);
    const { client } = await t.consoleClient();
    const facts = (await client.get(`/console/api/v1/customers/${customer.loginId}`)).json();
    assert.equal(facts.codeMails.length, 3, JSON.stringify(facts.codeMails));
    assert.ok(facts.codeMails.every((mail: { state: string }) => mail.state === "sent"));
  });

  it("shows a locked account with when it was locked and the failure count", async () => {
    const customer = await t.addCustomer({ loginId: uniqueId("locked") });
    for (let i = 0; i < t.config.lockoutThreshold; i += 1) {
      await t.client().post("/login", { form: { loginId: customer.loginId, password: "wrong horse battery" } });
    }
    const { client } = await t.consoleClient({ role: "supervisor" });
    const facts = (await client.get(`/console/api/v1/customers/${customer.loginId}`)).json();
    assert.equal(facts.locked, true);
    assert.match(facts.lockedAt, ISO_JST);
    assert.equal(facts.failedCount, t.config.lockoutThreshold);
    const search = (await client.get(`/console/api/v1/customers?q=${customer.loginId}`)).json();
    assert.equal(search.items[0].locked, true);
    assert.ok(facts.loginHistory.some((item: { outcome: string }) => item.outcome === "locked"));
  });
});
