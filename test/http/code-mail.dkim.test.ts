import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { generateKeyPairSync } from "node:crypto";
import { startTestService } from "../support/test-service.ts";

describe("DKIM signing of the code mail (seed Q3-②③: not sorted into spam)", () => {
  it("signs every mail for MAIL_DOMAIN with the configured selector and key", async (context) => {
    const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const pem = privateKey.export({ type: "pkcs8", format: "pem" }).toString().replaceAll("\n", "\\n");
    const t = await startTestService(context, { env: { DKIM_SELECTOR: "okb2026", DKIM_PRIVATE_KEY: pem } });
    const customer = await t.addCustomer();
    await t.client().post("/login", { form: { loginId: customer.loginId, password: customer.password } });
    const mail = await t.mailTo(customer.email);
    // mailparser splits the header into its tags.
    const signature = mail.headers.get("dkim-signature") as { value: string; params: Record<string, string> } | undefined;
    assert.ok(signature !== undefined, "DKIM-Signature header present");
    assert.equal(signature.value, "v=1");
    assert.equal(signature.params["d"], "okb-sec.co.jp");
    assert.equal(signature.params["s"], "okb2026");
    assert.equal(signature.params["a"], "rsa-sha256");
    assert.match(signature.params["h"] ?? "", /from:subject/, "From and Subject are signed");
  });

  it("sends unsigned mail when no key is configured", async (context) => {
    const t = await startTestService(context);
    const customer = await t.addCustomer();
    await t.client().post("/login", { form: { loginId: customer.loginId, password: customer.password } });
    assert.equal((await t.mailTo(customer.email)).headers.get("dkim-signature"), undefined);
  });
});
