import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Redis } from "ioredis";
import { sharedTestService } from "../support/test-service.ts";
import { COUNTER_BACKENDS, REDIS_TEST_URL } from "../support/backends.ts";

// A customer who types the password into the login-ID field by mistake.
const TYPED_INTO_LOGIN_ID = "Sakura-2026-secret";
const CLIENT_IP = "198.51.100.42";

for (const backend of COUNTER_BACKENDS) {
  describe(`rate-limit counters hold no typed text or address at rest (${backend.name})`, () => {
    const env = backend.env();
    const t = sharedTestService({ env });

    it("keys the counters by a keyed hash: neither the typed login ID nor the IP appears in any key", async () => {
      const response = await t.client({ ip: CLIENT_IP }).post("/api/v1/login", { json: { loginId: TYPED_INTO_LOGIN_ID, password: "whatever it was" } });
      assert.equal(response.statusCode, 401);
      let keys: string[];
      const prefix = env["REDIS_PREFIX"];
      if (prefix === undefined) {
        const rows = await t.service.database.db.selectFrom("rate_limit_counters").select("key").execute();
        keys = rows.map((row) => row.key);
      } else {
        const redis = new Redis(REDIS_TEST_URL);
        try {
          keys = await redis.keys(`${prefix}*`);
        } finally {
          redis.disconnect();
        }
      }
      assert.ok(keys.length >= 2, `the attempt was counted: ${keys.join(", ")}`);
      for (const key of keys) {
        assert.ok(!key.includes(TYPED_INTO_LOGIN_ID), key);
        assert.ok(!key.toLowerCase().includes(TYPED_INTO_LOGIN_ID.toLowerCase()), key);
        assert.ok(!key.includes(CLIENT_IP), key);
      }
    });
  });
}
