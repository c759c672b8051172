import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { sharedTestService } from "../support/test-service.ts";
import { wrongCodeFor } from "../support/codes.ts";
import { sample } from "../support/prometheus.ts";

describe("/metrics shows what the service is doing (Prometheus)", () => {
  const t = sharedTestService({ env: { LOCKOUT_THRESHOLD: "3", RATE_LIMIT_PASSWORD_PER_LOGIN_ID: "4/900" } });

  const scrape = async (): Promise<string> => {
    const response = await t.service.app.inject({ method: "GET", url: "/metrics" });
    assert.equal(response.statusCode, 200);
    assert.match(String(response.headers["content-type"]), /^text\/plain; version=0\.0\.4/);
    return response.body;
  };

  it("counts logins by outcome, codes sent, wrong codes, lockouts and rate-limited requests", async () => {
    const before = await scrape();
    for (const series of [
      'okb_logins_total{outcome="success"}',
      'okb_logins_total{outcome="wrong_password"}',
      'okb_code_failures_total{reason="burned"}',
      'okb_rate_limited_total{limit="passwordPerLoginId"}',
      "okb_lockouts_total",
      "okb_codes_sent_total",
    ]) {
      assert.equal(sample(before, series), 0, `${series} starts at 0`);
    }

    // A login with one wrong code on the way.
    const alice = await t.addCustomer();
    const browser = t.client();
    await browser.post("/login", { form: { loginId: alice.loginId, password: alice.password } });
    const code = await t.codeFor(alice.email);
    assert.match((await browser.post("/login/mfa", { form: { code: wrongCodeFor(code) } })).body, /\[5121\]/);
    assert.equal((await browser.post("/login/mfa", { form: { code } })).statusCode, 303);

    // Three wrong passwords lock Bob out; the fourth try meets the lock, the fifth the rate limit.
    const bob = await t.addCustomer();
    for (let i = 0; i < 4; i += 1) {
      await t.client().post("/login", { form: { loginId: bob.loginId, password: "wrong password" } });
    }
    await t.mailTo(bob.email, 1, "【OKB証券】口座ロックのお知らせ");
    await t.mailTo(alice.email, 1, "【OKB証券】ログインのお知らせ");
    assert.equal((await t.client().post("/login", { form: { loginId: bob.loginId, password: bob.password } })).statusCode, 429);
    await t.client().post("/login", { form: { loginId: "nobody-here", password: "whatever password" } });

    const text = await scrape();
    assert.equal(sample(text, 'okb_logins_total{outcome="success"}'), 1);
    assert.equal(sample(text, 'okb_logins_total{outcome="wrong_password"}'), 3);
    assert.equal(sample(text, 'okb_logins_total{outcome="locked"}'), 1);
    assert.equal(sample(text, 'okb_logins_total{outcome="unknown_login_id"}'), 1);
    assert.equal(sample(text, "okb_codes_sent_total"), 1);
    assert.equal(sample(text, 'okb_code_failures_total{reason="wrong"}'), 1);
    assert.equal(sample(text, 'okb_code_failures_total{reason="expired"}'), 0);
    assert.equal(sample(text, "okb_lockouts_total"), 1);
    assert.equal(sample(text, 'okb_rate_limited_total{limit="passwordPerLoginId"}'), 1);
    assert.equal(sample(text, "okb_mail_delivery_seconds_count"), 3, "Alice's code mail and login notice and Bob's lock notice, from queued to accepted");
  });

  it("shows the outbox depth from the database and failed deliveries", async () => {
    assert.equal(sample(await scrape(), "okb_outbox_pending"), 0);
    t.smtp.refuseAll = true;
    try {
      const carol = await t.addCustomer();
      await t.client().post("/login", { form: { loginId: carol.loginId, password: carol.password } });
      // Tried and refused by now; the retry waits out its backoff on the test clock.
      await t.drainOutbox();
      const text = await scrape();
      assert.equal(sample(text, "okb_outbox_pending"), 1, "Carol's mail waits in the outbox");
      assert.ok((sample(text, "okb_mail_delivery_failures_total") ?? 0) >= 1);
    } finally {
      t.smtp.refuseAll = false;
    }
  });

  it("shows the process metrics, and no stuck mail", async () => {
    const text = await scrape();
    assert.equal(sample(text, "okb_outbox_stuck"), 0);
    assert.ok((sample(text, "process_cpu_user_seconds_total") ?? -1) >= 0);
    assert.ok((sample(text, "nodejs_heap_size_used_bytes") ?? 0) > 0);
  });
});

describe("/metrics shows the password-hash gate (load shedding)", () => {
  const t = sharedTestService({ env: { HASH_MAX_IN_FLIGHT: "1", HASH_MAX_QUEUE: "3", RATE_LIMIT_PASSWORD_PER_IP: "10000/60" } });

  const scrape = async (): Promise<string> => (await t.service.app.inject({ method: "GET", url: "/metrics" })).body;

  it("shows hashes running and waiting during a flood, and the logins shed", async () => {
    const idle = await scrape();
    assert.equal(sample(idle, "okb_hash_in_flight"), 0);
    assert.equal(sample(idle, "okb_hash_queue_length"), 0);
    assert.equal(sample(idle, "okb_hash_shed_total"), 0);
    const customer = await t.addCustomer();
    const logins = Array.from({ length: 12 }, (_, i) =>
      t.client({ ip: `10.0.0.${i + 1}` }).post("/api/v1/login", { json: { loginId: customer.loginId, password: "wrong password" } }),
    );
    let busy = "";
    for (let i = 0; i < 200; i += 1) {
      busy = await scrape();
      if (sample(busy, "okb_hash_queue_length") === 3) {
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    assert.equal(sample(busy, "okb_hash_in_flight"), 1);
    assert.equal(sample(busy, "okb_hash_queue_length"), 3);
    const statuses = (await Promise.all(logins)).map((response) => response.statusCode);
    assert.equal(statuses.filter((status) => status === 503).length, 8);
    const after = await scrape();
    assert.equal(sample(after, "okb_hash_shed_total"), 8);
    assert.equal(sample(after, "okb_hash_in_flight"), 0);
    assert.equal(sample(after, "okb_hash_queue_length"), 0);
  });
});

describe("/metrics with METRICS_TOKEN", () => {
  const token = "scrape-token-0123456789abcdef";
  // A second service in the same process: each has its own registry.
  const t = sharedTestService({ env: { METRICS_TOKEN: token } });

  for (const [label, headers] of [
    ["no Authorization header", {}],
    ["a wrong token", { authorization: "Bearer scrape-token-0123456789abcdeX" }],
    ["the token without the Bearer scheme", { authorization: token }],
    ["the token as Basic credentials", { authorization: `Basic ${Buffer.from(`x:${token}`).toString("base64")}` }],
  ] as const) {
    it(`refuses a scrape with ${label} (401)`, async () => {
      const response = await t.service.app.inject({ method: "GET", url: "/metrics", headers });
      assert.equal(response.statusCode, 401);
      assert.doesNotMatch(response.body, /okb_/);
    });
  }

  it("serves a scrape with the bearer token", async () => {
    const response = await t.service.app.inject({ method: "GET", url: "/metrics", headers: { authorization: `Bearer ${token}` } });
    assert.equal(response.statusCode, 200);
    assert.notEqual(sample(response.body, "okb_outbox_pending"), null);
  });
});
