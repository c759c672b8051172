import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { sharedTestService, startTestService } from "../support/test-service.ts";
import { mailIdOfVerp, verpAddress } from "../../src/adapters/mail/verp.ts";

describe("every mail's return path names the mail (VERP, issue 22 §1)", () => {
  const t = sharedTestService();

  it("sends the code mail with MAIL FROM bounce+<its outbox id>@MAIL_DOMAIN, the From unchanged", async () => {
    const customer = await t.addCustomer();
    await t.client().post("/login", { form: { loginId: customer.loginId, password: customer.password } });
    const mail = await t.mailTo(customer.email);
    const row = await t.service.database.db.selectFrom("mail_outbox").select("id").where("recipient", "=", customer.email).executeTakeFirstOrThrow();
    assert.equal(mail.returnPath, `bounce+${row.id}@okb-sec.co.jp`);
    assert.match(mail.from, /<no-reply@okb-sec\.co\.jp>/);
  });

  it("uses BOUNCE_DOMAIN when set", async (context) => {
    const other = await startTestService(context, { env: { BOUNCE_DOMAIN: "Bounces.Example.JP" } });
    const customer = await other.addCustomer();
    await other.client().post("/login", { form: { loginId: customer.loginId, password: customer.password } });
    const mail = await other.mailTo(customer.email);
    assert.match(mail.returnPath, /^bounce\+[0-9a-f-]{36}@bounces\.example\.jp$/);
  });

  it("reads a mail ID back only from an address of that form and domain", () => {
    const id = "0b9c2a4e-1f3d-4c5b-9a8e-7d6c5b4a3f21";
    assert.equal(mailIdOfVerp(verpAddress(id, "okb-sec.co.jp"), "okb-sec.co.jp"), id);
    assert.equal(mailIdOfVerp(`BOUNCE+${id.toUpperCase()}@OKB-SEC.CO.JP`, "okb-sec.co.jp"), id);
    for (const other of [`bounce+${id}@evil.example`, `x+${id}@okb-sec.co.jp`, "bounce+123@okb-sec.co.jp", `bounce+${id}x@okb-sec.co.jp`, "no-reply@okb-sec.co.jp", `bounce+${id}`]) {
      assert.equal(mailIdOfVerp(other, "okb-sec.co.jp"), null, other);
    }
  });
});
