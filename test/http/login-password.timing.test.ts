import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { sharedTestService } from "../support/test-service.ts";

/**
 * DESIGN §2: an unknown login ID is answered in the time a wrong password takes (argon2id is spent on a
 * dummy hash), so timing does not tell which IDs exist. In the timing lane (scripts/test-lanes.ts): alone,
 * not beside a second shard of tests.
 */
describe("password step timing (POST /login)", () => {
  // Thresholds wide open: 32 wrong passwords for one ID (no lock, no rate limit in the way).
  const t = sharedTestService({ env: { LOCKOUT_THRESHOLD: "100", RATE_LIMIT_PASSWORD_PER_LOGIN_ID: "1000/60", RATE_LIMIT_PASSWORD_PER_IP: "1000/60" } });

  it("answers an unknown ID in about the time a wrong password takes (median of 31 pair ratios after a warm-up pair, within 0.6–1.6 ×)", async () => {
    const customer = await t.addCustomer();
    const time = async (loginId: string): Promise<number> => {
      const started = process.hrtime.bigint();
      await t.client().post("/login", { form: { loginId, password: "wrong password 1" } });
      return Number(process.hrtime.bigint() - started) / 1e6;
    };
    const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
    // A warm-up pair first (the first request of each kind pays for cold statements), then interleaved
    // pairs; the median of each pair's ratio keeps a burst of load on the machine out of the comparison
    // (an unknown ID that skipped argon2id would read about 0.2×).
    await time(customer.loginId);
    await time("unknown-warm-up");
    const ratios: number[] = [];
    const wrong: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < 31; i += 1) {
      const first = i % 2 === 0;
      const a = first ? await time(customer.loginId) : await time(`unknown-${i}`);
      const b = first ? await time(`unknown-${i}`) : await time(customer.loginId);
      const [w, u] = first ? [a, b] : [b, a];
      wrong.push(w);
      unknown.push(u);
      ratios.push(u / w);
    }
    const ratio = median(ratios);
    assert.ok(ratio > 0.6 && ratio < 1.6, `median ratio ${ratio.toFixed(2)}: unknown ID ${median(unknown).toFixed(1)} ms, wrong password ${median(wrong).toFixed(1)} ms (medians)`);
  });
});
