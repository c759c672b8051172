import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { sharedTestService } from "../support/test-service.ts";
import { birthDateFields } from "../support/page-login.ts";
import { createRecoveryQueueStore } from "../../src/adapters/db/stores/recovery-queue-store.ts";
import type { RecoveryQueueStore } from "../../src/adapters/db/stores/recovery-queue-store.ts";
import { createKeyringSealer } from "../../src/adapters/crypto/body-sealer.ts";
import { deriveKeyring } from "../../src/adapters/crypto/keyring.ts";
import { DEFAULT_RECOVERY_SETTINGS } from "../../src/adapters/mail/recovery-worker.ts";

const BIRTH_DATE = "1980-01-31";
const REMINDER_SUBJECT = "【OKB証券】ログインIDのお知らせ";
const CODE_SUBJECT = "【OKB証券】認証コードのお知らせ";

// Issue 17 item 7: the recovery requests are answered before they are resolved, and what the
// answer promised survives the instance: the request is a row written in the request, the same
// whatever it matches; its lookup and mail happen after the answer, here or on another instance.
describe("recovery requests are resolved after the answer, durably (issue 17 item 7)", () => {
  const t = sharedTestService({ env: { RATE_LIMIT_CODE_MAILS_PER_CUSTOMER: "100/60" } });

  function store(): RecoveryQueueStore {
    return createRecoveryQueueStore(t.service.database.db, createKeyringSealer(deriveKeyring(t.config.serverSecrets, "recovery-seal")));
  }

  async function rawRows(): Promise<string> {
    const rows = await t.service.database.db.selectFrom("recovery_requests").selectAll().execute();
    return JSON.stringify(rows);
  }

  it("an instance that stops right after answering leaves the request in the table (sealed: no address, ID or date readable); the next run mails it", async () => {
    const customer = await t.addCustomer({ birthDate: BIRTH_DATE });
    await t.drainOutbox();
    await t.service.recoveryWorker.stop();
    try {
      const reminder = await t.client().post("/api/v1/login-id/remind", { json: { email: customer.email, birthDate: BIRTH_DATE } });
      assert.equal(reminder.statusCode, 200);
      const reset = await t.client().post("/password/forgot", { form: { loginId: customer.loginId, ...birthDateFields(BIRTH_DATE) } });
      assert.equal(reset.statusCode, 303);
      assert.equal(await store().count(), 2, "both requests written before their answers");
      const raw = await rawRows();
      for (const secret of [customer.email, customer.loginId, BIRTH_DATE, "19800131"]) {
        assert.equal(raw.includes(secret), false, `${secret} is not readable in the table`);
      }
      const outbox = await t.service.database.db.selectFrom("mail_outbox").select("subject").where("recipient", "=", customer.email).execute();
      assert.deepEqual(outbox, [], "nothing looked up or mailed before the answer");
    } finally {
      t.service.recoveryWorker.start();
    }
    await t.drainOutbox();
    assert.equal(await store().count(), 0, "resolved and deleted");
    assert.match((await t.mailTo(customer.email, 1, REMINDER_SUBJECT)).text, new RegExp(`ログインID: ${customer.loginId}`, "u"));
    assert.match((await t.mailTo(customer.email, 1, CODE_SUBJECT)).text, /認証コード: \d{6}/u);
  });

  it("a request claimed by an instance that died is resolved by another once the hold ends, not before", async () => {
    const customer = await t.addCustomer({ birthDate: BIRTH_DATE });
    await t.drainOutbox();
    await t.service.recoveryWorker.stop();
    try {
      const browser = t.client();
      assert.equal((await browser.post("/api/v1/password-reset", { json: { loginId: customer.loginId, birthDate: BIRTH_DATE } })).statusCode, 200);
      // The instance that died had claimed it.
      const now = t.clock.now();
      const claimed = await store().claim(now, now + DEFAULT_RECOVERY_SETTINGS.leaseMs, 10);
      assert.equal(claimed.length, 1);
      const [first] = claimed;
      assert.deepEqual(first !== undefined && "ask" in first ? first.ask.kind : null, "password_reset");
    } finally {
      t.service.recoveryWorker.start();
    }
    await t.drainOutbox();
    assert.equal(await store().count(), 1, "still held by the dead instance");
    assert.deepEqual(await t.queuedSubjects(customer.email), []);
    t.clock.advance(DEFAULT_RECOVERY_SETTINGS.leaseMs);
    await t.drainOutbox();
    assert.equal(await store().count(), 0);
    assert.deepEqual(await t.queuedSubjects(customer.email), [CODE_SUBJECT], "the code went out once");
  });
});
