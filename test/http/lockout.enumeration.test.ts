import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { sharedTestService } from "../support/test-service.ts";
import { COUNTER_BACKENDS } from "../support/backends.ts";
import { createCustomerStore } from "../../src/adapters/db/stores/customer-store.ts";

const THRESHOLD = 4;

for (const backend of COUNTER_BACKENDS) {
  describe(`the lockout does not tell which login IDs exist (${backend.name})`, () => {
    const t = sharedTestService({ env: { LOCKOUT_THRESHOLD: String(THRESHOLD), ...backend.env() } });

    /** Status and error code of `n` wrong passwords in a row for `loginId`. */
    async function answers(loginId: string, n: number): Promise<string[]> {
      const seen: string[] = [];
      for (let i = 0; i < n; i += 1) {
        const response = await t.client().post("/api/v1/login", { json: { loginId, password: "wrong password" } });
        seen.push(`${response.statusCode} ${response.json().error?.code}`);
      }
      return seen;
    }

    it("an unknown ID answers the same sequence as a real one: [5101] until the threshold, [5102] from it on", async () => {
      const customer = await t.addCustomer();
      const real = await answers(customer.loginId, THRESHOLD + 2);
      const unknown = await answers("nobody-has-this-id", THRESHOLD + 2);
      assert.deepEqual(real, ["401 5101", "401 5101", "401 5101", "423 5102", "423 5102", "423 5102"]);
      assert.deepEqual(unknown, real);
      assert.equal(await createCustomerStore(t.service.database.db).count(), 1, "no customer row is written for the unknown ID");
    });

    it("the right password of the real ID and any password of the unknown one get the same locked answer", async () => {
      const customer = await t.addCustomer();
      await answers(customer.loginId, THRESHOLD);
      await answers("another-unknown-id", THRESHOLD);
      const right = await t.client().post("/api/v1/login", { json: { loginId: customer.loginId, password: customer.password } });
      const unknown = await t.client().post("/api/v1/login", { json: { loginId: "another-unknown-id", password: customer.password } });
      assert.equal(right.statusCode, unknown.statusCode);
      assert.deepEqual(right.json(), unknown.json());
    });
  });
}
