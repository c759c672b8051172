import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { sharedTestService } from "../support/test-service.ts";
import { giveTradingPin, loggedInClient } from "../support/trading-site.ts";
import { authenticatorFor, loggedIn, registerPasskey } from "../support/passkeys.ts";

// Issue 17 item 14: the API's free texts follow the one rule of src/core/readable-text.ts.
// Each of these texts passed an older check (U+202E in a detail, a Hangul filler that looks
// blank, a zero-width space, a web address as a passkey's name) and now answers [4000].

describe("the API refuses unreadable free text with [4000] and writes nothing", () => {
  const t = sharedTestService();

  it("a confirmation's detail with U+202E (it reordered the summary the customer confirms), a zero-width space or a Hangul filler", async () => {
    const customer = await t.addCustomer();
    await giveTradingPin(t, customer);
    const client = await loggedInClient(t, customer);
    for (const note of ["口座\u202E0001", "至急\u200B", "\u3164"]) {
      const response = await client.post("/api/v1/confirmations", { json: { operation: { type: "withdrawal", details: { amount: 5000, note } } } });
      assert.equal(response.statusCode, 400, `${JSON.stringify(note)}: ${response.body}`);
      assert.equal(response.json().error.code, "4000");
    }
    const rows = await t.service.database.db.selectFrom("confirmations").select("id").where("customer_id", "=", customer.customer.id).execute();
    assert.deepEqual(rows, [], "no confirmation was started");
  });

  it("a passkey's name that looks blank (Hangul filler, braille blank), hides a character, or is a web address; the name stays", async () => {
    const customer = await t.addCustomer();
    const browser = await loggedIn(t, customer);
    const id = await registerPasskey(t, customer, browser, authenticatorFor(t), "仕事用 iPhone");
    for (const name of ["\u3164", "\u2800\u2800", "仕事用\u200BiPhone", "okb-support.com"]) {
      const response = await browser.patch(`/api/v1/passkeys/${id}`, { json: { name } });
      assert.equal(response.statusCode, 400, `${JSON.stringify(name)}: ${response.body}`);
      assert.equal(response.json().error.code, "4000");
    }
    const listed = (await browser.get("/api/v1/passkeys")).json() as { items?: Array<{ name: string }>; passkeys?: Array<{ name: string }> };
    assert.deepEqual((listed.items ?? listed.passkeys ?? []).map((passkey) => passkey.name), ["仕事用 iPhone"]);
  });

  it("an operator's reason that looks blank or hides a character: [4000], the account stays locked and nothing is audited", async () => {
    const customer = await t.addCustomer();
    await t.service.database.db.updateTable("customers").set({ locked_at: t.clock.now(), failed_count: 10 }).where("id", "=", customer.customer.id).execute();
    const { client } = await t.consoleClient({ role: "supervisor" });
    for (const reason of ["\u3164", "\u115F\u1160", "本人確認済み\u2066\u2069", "\uFFA0"]) {
      const response = await client.post(`/console/api/v1/customers/${customer.loginId}/unlock`, { json: { reason } });
      assert.equal(response.statusCode, 400, `${JSON.stringify(reason)}: ${response.body}`);
      assert.equal(response.json().error.code, "4000");
    }
    const stored = await t.service.database.db.selectFrom("customers").select("locked_at").where("id", "=", customer.customer.id).executeTakeFirstOrThrow();
    assert.notEqual(stored.locked_at, null, "still locked");
    assert.deepEqual((await t.auditEvents(customer.customer.id)).filter((event) => event.event.includes("unlock")), []);
  });
});
