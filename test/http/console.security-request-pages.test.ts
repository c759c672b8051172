import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { sharedTestService } from "../support/test-service.ts";
import { visibleText } from "../support/page-login.ts";
import { maskEmail } from "../../src/core/kernel/email-address.ts";

const REASON = "ご本人から電話でご依頼（登録住所で本人確認済み）";

// Issue 17 item 2: the console pages do what the API does — the date of birth only checked, the new
// 重要メール verified by its code then requested, requests cancelled from the customer page, decided on
// the security-requests page.
describe("console pages for security requests (SECURITY_CHANGE_DELAY_HOURS=24)", () => {
  const t = sharedTestService({ env: { SECURITY_CHANGE_DELAY_HOURS: "24" } });

  it("the customer page never shows the date of birth; 「生年月日の確認」 answers 一致 / 不一致 and explains a malformed date in its card", async () => {
    const customer = await t.addCustomer({ birthDate: "1980-01-31" });
    const { client } = await t.consoleClient({ role: "agent" });
    const page = await client.get(`/console/customers/${customer.loginId}`);
    assert.ok(!page.body.includes("1980"), "no date of birth on the page");
    assert.match(visibleText(page.body), /生年月日\s*登録あり（表示しません/u);
    const url = `/console/customers/${customer.loginId}/birth-date-check`;
    const match = await client.post(url, { form: { birthDate: "1980-01-31" } });
    assert.deepEqual([match.statusCode, match.headers.location], [303, `/console/customers/${customer.loginId}?done=birth-date-match`]);
    assert.match(visibleText((await client.get(match.headers.location as string)).body), /生年月日の確認：一致/u);
    const mismatch = await client.post(url, { form: { birthDate: "1980-01-30" } });
    assert.equal(mismatch.headers.location, `/console/customers/${customer.loginId}?done=birth-date-mismatch`);
    const bad = await client.post(url, { form: { birthDate: "31/01/1980" } });
    assert.equal(bad.statusCode, 400);
    assert.match(visibleText(bad.body), /\[4000\][^]*YYYY-MM-DD/u);
    assert.ok(!bad.body.includes("1980-01-31"), "the page does not give the date away either");
  });

  it("the new 重要メール in two steps on the page: the code to the new address, then the request with the code; the open request can be cancelled there", async () => {
    const customer = await t.addCustomer();
    const { client } = await t.consoleClient({ role: "agent" });
    await client.get(`/console/customers/${customer.loginId}`);
    const newEmail = `page-${customer.loginId}@example.net`;
    const sent = await client.post(`/console/customers/${customer.loginId}/email-verification`, { form: { email: newEmail } });
    assert.equal(sent.statusCode, 200, "the page comes back at once, the address kept for step 2 (never in a URL)");
    assert.match(visibleText(sent.body), /新しいアドレスに確認コードを送りました/u);
    assert.match(sent.body, new RegExp(`id="requestEmail"[^>]*value="${newEmail.replace(/[.]/g, "\\.")}"`, "u"));
    const code = /確認コード: (\d{6})/u.exec((await t.mailTo(newEmail, 1, "【OKB証券】メールアドレス確認コードのお知らせ")).text)?.[1] ?? "";

    const wrong = await client.post(`/console/customers/${customer.loginId}/email-change-requests`, { form: { email: newEmail, code: code === "000000" ? "111111" : "000000", reason: REASON } });
    assert.equal(wrong.statusCode, 401);
    assert.match(visibleText(wrong.body), /\[5121\]/u);
    const done = await client.post(`/console/customers/${customer.loginId}/email-change-requests`, { form: { email: newEmail, code, reason: REASON } });
    assert.deepEqual([done.statusCode, done.headers.location], [303, `/console/customers/${customer.loginId}?done=email-change-requested`]);
    const after = await client.get(done.headers.location as string);
    assert.match(visibleText(after.body), /重要メールの変更を申請しました/u);
    assert.match(after.body, /id="open-requests"/u);
    assert.ok(visibleText(after.body).includes(`重要メールの変更（${maskEmail(newEmail)}へ）`));
    assert.ok(visibleText(after.body).includes(maskEmail(customer.email)), "the address shown is still the current one");

    const requestId = /name="requestId" value="([^"]+)"/u.exec(after.body)?.[1] ?? "";
    const cancelled = await client.post(`/console/customers/${customer.loginId}/cancel-request`, { form: { requestId, reason: "ご本人から取り消しのお電話" } });
    assert.deepEqual([cancelled.statusCode, cancelled.headers.location], [303, `/console/customers/${customer.loginId}?done=request-cancelled`]);
    assert.ok(!(await client.get(cancelled.headers.location as string)).body.includes('id="open-requests"'));
  });

  it("the security-requests page: every kind, approve for another supervisor, the approved one waits with its time, cancel for anyone", async () => {
    const customer = await t.addCustomer();
    await t.stores().passkeys.setRequired(customer.customer.id, true);
    const agent = await t.consoleClient({ role: "agent" });
    await agent.client.get(`/console/customers/${customer.loginId}`);
    const requested = await agent.client.post(`/console/customers/${customer.loginId}/passkey-required-off-requests`, { form: { reason: REASON, identityChecked: "on" } });
    assert.equal(requested.headers.location, `/console/customers/${customer.loginId}?done=passkey-required-off-requested`);
    const supervisor = await t.consoleClient({ role: "supervisor" });
    const list = await supervisor.client.get("/console/security-requests");
    assert.match(visibleText(list.body), /セキュリティ申請/u);
    const item = [...list.body.matchAll(/<li id="request-([A-Za-z0-9_-]+)">(?:(?!<\/li>).)*<\/li>/gsu)].find((match) => match[0].includes(customer.loginId));
    const requestId = item?.[1] ?? "";
    assert.notEqual(requestId, "");
    assert.match(item?.[0] ?? "", /パスキー必須の解除/u);
    const approved = await supervisor.client.post(`/console/security-requests/${requestId}/approve`, { form: { reason: "確認しました" } });
    assert.equal(approved.headers.location, "/console/security-requests?done=approved");
    const waiting = await supervisor.client.get(approved.headers.location as string);
    assert.match(visibleText(waiting.body), /申請を承認しました。待機期間の後に反映されます。/u);
    assert.match(visibleText(waiting.body), /反映待ち（\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2}に反映）/u);
    assert.equal((await t.stores().passkeys.isRequired(customer.customer.id)), true, "not before the wait");
    const other = await t.consoleClient({ role: "agent" });
    await other.client.get("/console/security-requests");
    const cancelled = await other.client.post(`/console/security-requests/${requestId}/cancel`, { form: { reason: "ご本人から「心当たりがない」" } });
    assert.equal(cancelled.headers.location, "/console/security-requests?done=cancelled");
    t.clock.advance(25 * 60 * 60 * 1000);
    assert.equal(await t.service.applyDueSecurityRequests(), 0);
    assert.equal(await t.stores().passkeys.isRequired(customer.customer.id), true);
  });

  it("a supervisor posting the approval of their own request, on the page or the old MFA-off page, is refused [4031] and nothing is decided", async () => {
    const customer = await t.addCustomer();
    await t.stores().passkeys.setRequired(customer.customer.id, true);
    const supervisor = await t.consoleClient({ role: "supervisor" });
    await supervisor.client.get(`/console/customers/${customer.loginId}`);
    const passkeyOff = await supervisor.client.post(`/console/customers/${customer.loginId}/passkey-required-off-requests`, { form: { reason: REASON, identityChecked: "on" } });
    assert.equal(passkeyOff.headers.location, `/console/customers/${customer.loginId}?done=passkey-required-off-requested`);
    const mfaOff = await supervisor.client.post(`/console/customers/${customer.loginId}/mfa-off-requests`, { form: { reason: REASON } });
    assert.equal(mfaOff.headers.location, `/console/customers/${customer.loginId}?done=mfa-off-requested`);
    const pending = async (): Promise<Array<Record<string, unknown>>> => {
      const listed = await supervisor.client.get("/console/api/v1/security-requests?state=pending");
      assert.equal(listed.statusCode, 200, listed.body);
      return (listed.json() as { items: Array<Record<string, unknown>> }).items.filter((item) => item["loginId"] === customer.loginId);
    };
    const mine = await pending();
    const idOf = (kind: string): string => String(mine.find((item) => item["kind"] === kind)?.["id"] ?? "");
    const [passkeyOffId, mfaOffId] = [idOf("passkey_required_off"), idOf("mfa_off")];
    assert.ok(passkeyOffId !== "" && mfaOffId !== "", JSON.stringify(mine));

    await supervisor.client.get("/console/security-requests");
    for (const path of [`/console/security-requests/${passkeyOffId}/approve`, `/console/mfa-off-requests/${mfaOffId}/approve`, `/console/security-requests/${mfaOffId}/approve`]) {
      const refused = await supervisor.client.post(path, { form: { reason: "自分で承認" } });
      assert.equal(refused.statusCode, 403, `${path}: ${refused.headers.location ?? ""}`);
      assert.match(visibleText(refused.body), /\[4031\]/u, path);
    }
    assert.deepEqual((await pending()).map((item) => [item["id"], item["state"]]).sort(), [[passkeyOffId, "pending"], [mfaOffId, "pending"]].sort(), "both still wait for another supervisor");
    t.clock.advance(25 * 60 * 60 * 1000);
    assert.equal(await t.service.applyDueSecurityRequests(), 0);
    assert.equal(await t.stores().passkeys.isRequired(customer.customer.id), true, "パスキー必須 stays on");
    const events = (await t.auditEvents(customer.customer.id)).map((event) => event.event);
    assert.ok(!events.includes("security_request.approved"), "no approval audited");
  });
});
