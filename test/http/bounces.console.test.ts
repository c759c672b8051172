import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { sharedTestService } from "../support/test-service.ts";
import type { TestService } from "../support/test-service.ts";
import { dsnMessage } from "../support/raw-smtp.ts";
import { sendToListener, sentMailTo } from "../support/bounces.ts";

/** A login of `customer`: its code mail (the n-th to the address) sent; bounced with `status` when given. */
async function loginMail(t: TestService, customer: { loginId: string; password: string; email: string }, n: number, status?: string): Promise<void> {
  t.clock.advance(60_000);
  await t.client().post("/login", { form: { loginId: customer.loginId, password: customer.password } });
  const { returnPath } = await sentMailTo(t, customer.email, n);
  if (status !== undefined) {
    await sendToListener(t, returnPath, dsnMessage({ returnPath, status }));
  }
}

describe("the console shows what came back (issue 22 §1)", () => {
  const t = sharedTestService({ env: { BOUNCE_LISTEN: "127.0.0.1:0" } });

  it("lists 返送 / 遅延 with the reason in Japanese, and in the JSON API", async () => {
    const customer = await t.addCustomer();
    await loginMail(t, customer, 1, "5.2.2");
    await loginMail(t, customer, 2, "4.4.1");
    await loginMail(t, customer, 3, "5.7.1");
    const { client } = await t.consoleClient();
    const page = await client.get(`/console/customers/${customer.loginId}`);
    assert.equal(page.statusCode, 200);
    assert.ok(page.body.includes("返送（メールボックスの容量が一杯）"));
    assert.ok(page.body.includes("遅延（受信側で配信が遅れている）"));
    assert.ok(page.body.includes("返送（迷惑メールとして受信拒否）"));
    assert.ok(page.body.includes("受信側の通知：5.7.1 smtp; 550 5.1.1 &lt;hanako@example.co.jp&gt;: Recipient address rejected"), "the remote server's text, escaped, for the agent");
    const english = await client.get(`/console/customers/${customer.loginId}?lang=en`);
    assert.ok(english.body.includes("Bounced (mailbox full)"));
    const facts = (await client.get(`/console/api/v1/customers/${customer.loginId}`)).json();
    assert.deepEqual(
      facts.codeMails.map((mail: { state: string; bounceReason: string | null }) => [mail.state, mail.bounceReason]),
      [["bounced", "refused"], ["delayed", "delayed"], ["bounced", "mailbox_full"]],
    );
    assert.equal(facts.codeMails[0].bounceText, "5.7.1 smtp; 550 5.1.1 <hanako@example.co.jp>: Recipient address rejected");
    assert.equal(facts.emailUndeliverable, false, "a delay between breaks the row of hard bounces");
  });

  it("flags the 重要メール undeliverable after two hard bounces in a row, in search results and on the customer page; a delivered mail clears it", async () => {
    const customer = await t.addCustomer();
    await loginMail(t, customer, 1, "5.1.1");
    const { client } = await t.consoleClient();
    const once = (await client.get(`/console/api/v1/customers/${customer.loginId}`)).json();
    assert.equal(once.emailUndeliverable, false, "one bounce is not yet a flag");
    await loginMail(t, customer, 2, "5.1.1");
    const search = await client.get(`/console/api/v1/customers?q=${customer.loginId}`);
    assert.equal(search.json().items[0].emailUndeliverable, true);
    const searchPage = await client.get(`/console?q=${customer.loginId}`);
    assert.ok(searchPage.body.includes("不達（2回続けて返送）"));
    const page = await client.get(`/console/customers/${customer.loginId}`);
    assert.match(page.body, /id="status-email">[^<]*<span class="status status-bad">不達（2回続けて返送）<\/span>/);
    assert.match(page.body, /id="email-undeliverable-help"/);
    await loginMail(t, customer, 3);
    const cleared = (await client.get(`/console/api/v1/customers/${customer.loginId}`)).json();
    assert.equal(cleared.emailUndeliverable, false, "a mail the relay took with nothing coming back clears it");
    assert.doesNotMatch((await client.get(`/console/customers/${customer.loginId}`)).body, /不達（2回続けて返送）/);
  });

  it("clears the flag when the 重要メール changes", async () => {
    const customer = await t.addCustomer();
    await loginMail(t, customer, 1, "5.2.2");
    await loginMail(t, customer, 2, "5.2.2");
    const { client } = await t.consoleClient();
    assert.equal((await client.get(`/console/api/v1/customers/${customer.loginId}`)).json().emailUndeliverable, true);
    await t.service.database.db.updateTable("customers").set({ email: `new.${customer.email}` }).where("login_id", "=", customer.loginId).execute();
    assert.equal((await client.get(`/console/api/v1/customers/${customer.loginId}`)).json().emailUndeliverable, false);
  });
});
