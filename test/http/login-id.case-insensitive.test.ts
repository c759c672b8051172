import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { sharedTestService } from "../support/test-service.ts";
import { InvalidInputError } from "../../src/core/kernel/errors.ts";

describe("login IDs are case-insensitive (docs/decisions.md)", () => {
  const t = sharedTestService({ env: { RATE_LIMIT_CODE_MAILS_PER_CUSTOMER: "100/60" } });

  it("a customer registered as Taro01 logs in as taro01, TARO01 or in full-width capitals", async () => {
    const customer = await t.addCustomer({ loginId: "Taro01" });
    assert.equal(customer.customer.loginId, "taro01", "stored in lower case");
    for (const typed of ["taro01", "TARO01", "Taro01", "ＴＡＲＯ０１"]) {
      const response = await t.client().post("/api/v1/login", { json: { loginId: typed, password: customer.password } });
      assert.equal(response.json().status, "mfa_required", typed);
    }
  });

  it("refuses a second customer whose ID differs only in case", async () => {
    await t.addCustomer({ loginId: "hanako7" });
    await assert.rejects(t.addCustomer({ loginId: "HANAKO7" }), InvalidInputError);
  });

  it("counts wrong passwords typed in either case toward the same account's lockout", async () => {
    const customer = await t.addCustomer({ loginId: "jiro22" });
    for (const typed of ["JIRO22", "jiro22", "Jiro22"]) {
      await t.client().post("/api/v1/login", { json: { loginId: typed, password: "wrong password" } });
    }
    const failures = (await t.auditEvents(customer.customer.id)).filter((event) => event.event === "password.failed");
    assert.equal(failures.length, 3);
  });
});
