import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { Writable } from "node:stream";
import { loadConfig } from "../../src/config.ts";
import { createLogger } from "../../src/service.ts";
import { startTestService } from "../support/test-service.ts";
import type { TestService } from "../support/test-service.ts";
import { sample } from "../support/prometheus.ts";

const STUCK = "outbox: mail stuck, not delivered yet";

describe("a stuck mail is visible: a gauge on /metrics and one warning in the log", () => {
  const logLines: Array<Record<string, unknown>> = [];
  let t: TestService;
  before(async () => {
    const sink = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        logLines.push(JSON.parse(chunk.toString("utf8")) as Record<string, unknown>);
        callback();
      },
    });
    const logger = createLogger(loadConfig({ LOG_LEVEL: "warn" }).config, sink);
    t = await startTestService({ logger, outbox: { stuckCheckIntervalMs: 20 } });
    t.smtp.refuseAll = true;
  });
  after(async () => {
    t.smtp.refuseAll = false;
    await t.close();
  });

  const stuckGauge = async (): Promise<number | null> => sample((await t.service.app.inject({ method: "GET", url: "/metrics" })).body, "okb_outbox_stuck");
  const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
  const outbox = () => t.service.database.db.selectFrom("mail_outbox").select(["id", "attempts", "status", "claimed_until"]).orderBy("created_at").execute();
  /** Tried `attempts` times and the failure recorded (the retry is scheduled from then). */
  const failedTries = async (attempts: number): Promise<boolean> =>
    (await outbox()).some((mail) => mail.attempts === attempts && mail.claimed_until === null);
  const stuckWarnings = (mailId: string) => logLines.filter((line) => line["msg"] === STUCK && line["mailId"] === mailId);

  /** Waits until `check` holds (the worker polls every 50 ms). */
  async function until(check: () => Promise<boolean> | boolean, what: string): Promise<void> {
    for (let i = 0; i < 200; i += 1) {
      if (await check()) {
        return;
      }
      await sleep(20);
    }
    assert.fail(`timed out waiting for ${what}`);
  }

  it("counts a mail tried 5 times as stuck, however young, and warns once with its ID, attempts and last error", async () => {
    const customer = await t.addCustomer();
    await t.client().post("/login", { form: { loginId: customer.loginId, password: customer.password } });
    await until(() => failedTries(1), "the first try");
    assert.equal(await stuckGauge(), 0, "one failed try is not stuck yet");
    // Past each backoff (1, 2, 4, 8 s on the service's clock), one try at a time: 15 s in all.
    for (let attempt = 2; attempt <= 5; attempt += 1) {
      t.clock.advance(1000 * 2 ** (attempt - 2));
      await until(() => failedTries(attempt), `try ${attempt}`);
    }
    const [mail] = await outbox();
    assert.ok(mail !== undefined);
    await until(() => stuckWarnings(mail.id).length > 0, "the warning");
    assert.equal(await stuckGauge(), 1);
    // Many checks later (every 20 ms here), still one warning for this mail.
    await sleep(300);
    const warnings = stuckWarnings(mail.id);
    assert.equal(warnings.length, 1, "warned once, not at every check");
    const [warning] = warnings;
    assert.equal(warning?.["level"], 40);
    assert.equal(warning?.["attempts"], 5);
    assert.match(String(warning?.["lastError"]), /mailbox unavailable/);
    assert.deepEqual(Object.keys(warning ?? {}).sort(), ["ageMs", "attempts", "hostname", "lastError", "level", "mailId", "msg", "pid", "queuedAt", "time"]);
    assert.ok(!JSON.stringify(warnings).includes(customer.email), "no recipient");
    assert.doesNotMatch(JSON.stringify(warnings), /認証コード|Authentication code/i, "no body");
  });

  it("counts a mail queued more than 5 minutes ago as stuck", async () => {
    const customer = await t.addCustomer();
    await t.client().post("/login", { form: { loginId: customer.loginId, password: customer.password } });
    await until(async () => (await outbox()).length === 2, "the second mail");
    await until(() => failedTries(1), "its first try");
    const fresh = (await outbox()).find((mail) => mail.attempts === 1);
    assert.ok(fresh !== undefined);
    await sleep(100);
    assert.equal(stuckWarnings(fresh.id).length, 0);
    assert.equal(await stuckGauge(), 1, "only the first mail so far");
    t.clock.advance(5 * 60_000 + 1000);
    await until(() => stuckWarnings(fresh.id).length === 1, "the warning");
    assert.equal(await stuckGauge(), 2);
  });

  it("is no longer stuck once delivered", async () => {
    t.smtp.refuseAll = false;
    t.clock.advance(10 * 60_000);
    await until(async () => (await outbox()).every((mail) => mail.status === "sent"), "delivery");
    assert.equal(await stuckGauge(), 0);
  });
});
