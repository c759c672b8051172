import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { Writable } from "node:stream";
import { loadConfig } from "../../src/config.ts";
import { createLogger } from "../../src/wiring/logger.ts";
import { sharedTestService } from "../support/test-service.ts";
import { sample } from "../support/prometheus.ts";

const STUCK = "outbox: mail stuck, not delivered yet";

describe("a stuck mail is visible: a gauge on /metrics and one warning in the log", () => {
  const logLines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      logLines.push(JSON.parse(chunk.toString("utf8")) as Record<string, unknown>);
      callback();
    },
  });
  const t = sharedTestService({ logger: createLogger(loadConfig({ LOG_LEVEL: "warn" }).config, sink) });
  before(async () => {
    // Polling off: the test drives each delivery try (runOnce) and each stuck check itself.
    await t.service.worker.stop();
    t.smtp.refuseAll = true;
  });
  after(() => {
    t.smtp.refuseAll = false;
  });

  const stuckGauge = async (): Promise<number | null> => sample((await t.service.app.inject({ method: "GET", url: "/metrics" })).body, "okb_outbox_stuck");
  const outbox = () => t.service.database.db.selectFrom("mail_outbox").select(["id", "attempts", "status", "claimed_until"]).orderBy("created_at").execute();
  /** Tried `attempts` times and the failure recorded (the retry is scheduled from then). */
  const failedTries = async (attempts: number): Promise<boolean> =>
    (await outbox()).some((mail) => mail.attempts === attempts && mail.claimed_until === null);
  const stuckWarnings = (mailId: string) => logLines.filter((line) => line["msg"] === STUCK && line["mailId"] === mailId);

  /** One delivery pass of the stopped worker, then whether a mail has been tried `attempts` times. */
  const tryOnce = async (attempts: number): Promise<boolean> => {
    await t.drainOutbox();
    return failedTries(attempts);
  };

  it("counts a mail tried 5 times as stuck, however young, and warns once with its ID, attempts and last error", async () => {
    const customer = await t.addCustomer();
    await t.client().post("/login", { form: { loginId: customer.loginId, password: customer.password } });
    assert.ok(await tryOnce(1), "the first try");
    assert.equal(await stuckGauge(), 0, "one failed try is not stuck yet");
    // Past each backoff (1, 2, 4, 8 s on the service's clock), one try at a time: 15 s in all.
    for (let attempt = 2; attempt <= 5; attempt += 1) {
      t.clock.advance(1000 * 2 ** (attempt - 2));
      assert.ok(await tryOnce(attempt), `try ${attempt}`);
    }
    const [mail] = await outbox();
    assert.ok(mail !== undefined);
    await t.service.worker.checkStuckNow();
    assert.ok(stuckWarnings(mail.id).length > 0, "the warning");
    assert.equal(await stuckGauge(), 1);
    // Many checks later, still one warning for this mail.
    for (let check = 0; check < 10; check += 1) {
      await t.service.worker.checkStuckNow();
    }
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
    assert.equal((await outbox()).length, 2, "the second mail");
    assert.ok(await tryOnce(1), "its first try");
    const fresh = (await outbox()).find((mail) => mail.attempts === 1);
    assert.ok(fresh !== undefined);
    await t.service.worker.checkStuckNow();
    assert.equal(stuckWarnings(fresh.id).length, 0);
    assert.equal(await stuckGauge(), 1, "only the first mail so far");
    t.clock.advance(5 * 60_000 + 1000);
    await t.service.worker.checkStuckNow();
    assert.equal(stuckWarnings(fresh.id).length, 1, "the warning");
    assert.equal(await stuckGauge(), 2);
  });

  it("is no longer stuck once delivered", async () => {
    t.smtp.refuseAll = false;
    t.clock.advance(10 * 60_000);
    await t.drainOutbox();
    assert.ok((await outbox()).every((mail) => mail.status === "sent"), "delivery");
    assert.equal(await stuckGauge(), 0);
  });
});
