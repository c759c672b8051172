import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import type { Customer } from "../../src/core/kernel/ports.ts";
import type { EmailVerificationStore, NewSecurityRequest, SecurityRequestKind, SecurityRequestStore } from "../../src/core/console/security-requests/ports-security-requests.ts";
import type { OperatorStore } from "../../src/core/console/operators/ports-operator.ts";
import type { DatabaseHandle } from "../../src/adapters/db/connect.ts";
import { createSecurityRequestStore } from "../../src/adapters/db/stores/security-request-store.ts";
import { createEmailVerificationStore } from "../../src/adapters/db/stores/email-verification-store.ts";
import { createCustomerStore } from "../../src/adapters/db/stores/customer-store.ts";
import { createOperatorStore } from "../../src/adapters/db/stores/operator-store.ts";
import { createBodySealer } from "../../src/adapters/crypto/body-sealer.ts";
import { deriveKey } from "../../src/adapters/crypto/derive-key.ts";
import { DB_BACKENDS, seedCustomer } from "../support/db-backends.ts";
import { NOW } from "../support/rows.ts";

const DAY = 24 * 60 * 60 * 1000;

// Issue 17 item 2: the security requests' store (MFA off, a new 重要メール, パスキー必須 off) and the
// new address's verification codes, on both databases: every state change one conditional UPDATE.
for (const backend of DB_BACKENDS) {
  describe(`security request store contract (${backend.name})`, () => {
    let handle: DatabaseHandle;
    let store: SecurityRequestStore;
    let verifications: EmailVerificationStore;
    let operators: OperatorStore;
    let close: () => Promise<void>;
    before(async () => {
      const opened = await backend.open();
      handle = opened.handle;
      store = createSecurityRequestStore(handle.db);
      verifications = createEmailVerificationStore(handle.db);
      operators = createOperatorStore(handle.db, createBodySealer(deriveKey("contract-test-secret-0123456789abcdef", "operator-totp")));
      close = opened.close;
    });
    after(() => close());

    async function seedOperator(): Promise<{ id: string; loginId: string }> {
      const id = randomUUID();
      const loginId = `op-${id.slice(0, 8)}`;
      await operators.create({ id, loginId, name: "佐藤 花子", role: "agent", passwordHash: "$argon2id$x", totpSecret: "JBSWY3DPEHPK3PXP", createdAt: NOW });
      return { id, loginId };
    }

    function newRequest(customer: Customer, requestedBy: string, options: { kind?: SecurityRequestKind; createdAt?: number } = {}): NewSecurityRequest {
      const createdAt = options.createdAt ?? NOW;
      const kind = options.kind ?? "mfa_off";
      return { id: randomUUID(), kind, customerId: customer.id, requestedBy, reason: "ご本人から電話で依頼", createdAt, expiresAt: createdAt + DAY, newEmail: kind === "email_change" ? "new@example.jp" : null };
    }

    it("create stores a pending request (every field back); a second open one of the same kind is refused, another kind is not", async () => {
      const customer = await seedCustomer(handle);
      const agent = await seedOperator();
      const first = newRequest(customer, agent.id, { kind: "email_change" });
      assert.equal(await store.create(first), true);
      assert.deepEqual(await store.findById(first.id, NOW), {
        ...first,
        state: "pending",
        decidedBy: null,
        decidedAt: null,
        decisionReason: null,
        effectiveAt: null,
        cancelledBy: null,
        cancelledAt: null,
        cancelReason: null,
      });
      const second = newRequest(customer, agent.id, { kind: "email_change", createdAt: NOW + 1000 });
      assert.equal(await store.create(second), false);
      assert.equal(await store.findById(second.id, NOW), null, "nothing written");
      assert.equal(await store.create(newRequest(customer, agent.id, { kind: "passkey_required_off" })), true, "one open request per kind");
      assert.equal(await store.findById("no-such-request", NOW), null);
    });

    it("an approved request waiting for its time still blocks a new one of its kind; a cancelled one does not", async () => {
      const customer = await seedCustomer(handle);
      const agent = await seedOperator();
      const supervisor = await seedOperator();
      const request = newRequest(customer, agent.id);
      await store.create(request);
      assert.equal(await store.approve(request.id, { by: supervisor.id, at: NOW + 1, reason: "確認済み", effectiveAt: NOW + DAY }), true);
      assert.equal(await store.create(newRequest(customer, agent.id, { createdAt: NOW + 2 })), false);
      assert.equal(await store.cancel(request.id, { by: agent.id, at: NOW + 3, reason: "ご本人から取り消し" }), true);
      const cancelled = await store.findById(request.id, NOW + 3);
      assert.deepEqual([cancelled?.state, cancelled?.cancelledBy, cancelled?.cancelledAt, cancelled?.cancelReason], ["cancelled", agent.id, NOW + 3, "ご本人から取り消し"]);
      assert.equal(await store.create(newRequest(customer, agent.id, { createdAt: NOW + 4 })), true);
    });

    it("a pending request past its 24 hours reads expired, no longer blocks a new one, and cannot be approved, rejected or cancelled", async () => {
      const customer = await seedCustomer(handle);
      const agent = await seedOperator();
      const old = newRequest(customer, agent.id);
      await store.create(old);
      assert.equal((await store.findById(old.id, old.expiresAt))?.state, "expired");
      assert.equal(await store.approve(old.id, { by: agent.id, at: old.expiresAt, reason: "late", effectiveAt: old.expiresAt }), false);
      assert.equal(await store.reject(old.id, { by: agent.id, at: old.expiresAt, reason: "late" }), false);
      assert.equal(await store.cancel(old.id, { by: agent.id, at: old.expiresAt, reason: "late" }), false);
      const next = newRequest(customer, agent.id, { createdAt: NOW + DAY });
      assert.equal(await store.create(next), true);
      assert.equal((await store.findById(old.id, NOW))?.state, "expired", "marked expired in the table");
    });

    it("two requests for one customer at the same moment: one is stored", async () => {
      const customer = await seedCustomer(handle);
      const agent = await seedOperator();
      const results = await Promise.all([store.create(newRequest(customer, agent.id)), store.create(newRequest(customer, agent.id))]);
      assert.deepEqual(results.sort(), [false, true]);
    });

    it("racing approvals and a rejection: exactly one wins; a decided request is not decided again", async () => {
      const customer = await seedCustomer(handle);
      const agent = await seedOperator();
      const supervisor = await seedOperator();
      const request = newRequest(customer, agent.id);
      await store.create(request);
      const race = await Promise.all([
        store.approve(request.id, { by: supervisor.id, at: NOW + 1, reason: "確認済み", effectiveAt: NOW + 1 + DAY }),
        store.approve(request.id, { by: supervisor.id, at: NOW + 1, reason: "確認済み", effectiveAt: NOW + 1 + DAY }),
        store.reject(request.id, { by: supervisor.id, at: NOW + 1, reason: "不審" }),
      ]);
      assert.equal(race.filter(Boolean).length, 1);
      assert.equal(await store.approve(request.id, { by: supervisor.id, at: NOW + 2, reason: "again", effectiveAt: NOW + 2 }), false);
      assert.equal(await store.reject(request.id, { by: supervisor.id, at: NOW + 2, reason: "again" }), false);
    });

    it("markEffective: only an approved request whose time has come, once, even from racing transactions; due lists it until then", async () => {
      const customer = await seedCustomer(handle);
      const agent = await seedOperator();
      const supervisor = await seedOperator();
      const request = newRequest(customer, agent.id);
      await store.create(request);
      assert.equal(await store.markEffective(request.id, NOW + 2 * DAY), false, "not approved");
      await store.approve(request.id, { by: supervisor.id, at: NOW + 10, reason: "確認済み", effectiveAt: NOW + 10 + DAY });
      assert.equal(await store.markEffective(request.id, NOW + 9 + DAY), false, "not due yet");
      assert.ok(!(await store.due(NOW + 9 + DAY, 100)).some((item) => item.id === request.id));
      assert.ok((await store.due(NOW + 10 + DAY, 100)).some((item) => item.id === request.id));
      // As two instances do it: each in its own transaction, with the customer's change after it.
      const race = await Promise.all(
        [1, 2].map(() =>
          handle.db.transaction().execute(async (trx) => {
            const won = await createSecurityRequestStore(trx).markEffective(request.id, NOW + 10 + DAY);
            if (won) {
              await createCustomerStore(trx).setMfaEnabled(customer.id, false);
            }
            return won;
          }),
        ),
      );
      assert.deepEqual(race.sort(), [false, true]);
      const done = await store.findById(request.id, NOW + 11 + DAY);
      assert.deepEqual([done?.state, done?.effectiveAt, done?.decidedBy], ["effective", NOW + 10 + DAY, supervisor.id]);
      assert.equal(await store.cancel(request.id, { by: agent.id, at: NOW + 11 + DAY, reason: "遅すぎ" }), false, "an effective request cannot be cancelled");
      assert.ok(!(await store.due(NOW + 11 + DAY, 100)).some((item) => item.id === request.id));
    });

    it("list by state and kind with the customer and the requester's login ID; openForCustomer: pending and approved", async () => {
      const agent = await seedOperator();
      const supervisor = await seedOperator();
      const at = NOW + 20 * DAY;
      const [live, stale, approved] = [await seedCustomer(handle), await seedCustomer(handle), await seedCustomer(handle)];
      const liveRequest = newRequest(live, agent.id, { kind: "passkey_required_off", createdAt: at });
      const staleRequest = newRequest(stale, agent.id, { createdAt: at - DAY - 1 });
      const approvedRequest = newRequest(approved, agent.id, { kind: "email_change", createdAt: at });
      for (const request of [liveRequest, staleRequest, approvedRequest]) {
        await store.create(request);
      }
      await store.approve(approvedRequest.id, { by: supervisor.id, at, reason: "ok", effectiveAt: at + DAY });
      const ids = async (state: "pending" | "approved" | "rejected" | "expired", kind?: SecurityRequestKind): Promise<string[]> => (await store.list({ state, now: at, limit: 100, kind })).map((item) => item.id);
      const mine = (await store.list({ state: "pending", now: at, limit: 100 })).find((item) => item.id === liveRequest.id);
      assert.deepEqual(mine && { loginId: mine.loginId, customerName: mine.customerName, requestedByLoginId: mine.requestedByLoginId, state: mine.state, kind: mine.kind }, {
        loginId: live.loginId,
        customerName: live.name,
        requestedByLoginId: agent.loginId,
        state: "pending",
        kind: "passkey_required_off",
      });
      assert.ok(!(await ids("pending")).includes(staleRequest.id), "an expired request is not pending");
      assert.ok((await ids("expired")).includes(staleRequest.id));
      assert.ok((await ids("approved")).includes(approvedRequest.id));
      assert.ok(!(await ids("pending", "mfa_off")).includes(liveRequest.id), "filtered by kind");
      assert.deepEqual((await store.openForCustomer(approved.id, at)).map((item) => [item.id, item.state, item.newEmail]), [[approvedRequest.id, "approved", "new@example.jp"]]);
      assert.deepEqual(await store.openForCustomer(stale.id, at), [], "an expired request is not open");
    });

    it("email verifications: a new code supersedes the operator's pending one; wrong codes burn it at the limit; use once", async () => {
      const customer = await seedCustomer(handle);
      const operator = await seedOperator();
      const other = await seedOperator();
      const first = { id: randomUUID(), customerId: customer.id, operatorId: operator.id, email: "new@example.jp", codeHmac: "aa", createdAt: NOW, expiresAt: NOW + 600_000 };
      await verifications.start(first);
      assert.deepEqual(await verifications.latestPending(customer.id, operator.id), { ...first, failedAttempts: 0, status: "pending" });
      assert.equal(await verifications.latestPending(customer.id, other.id), null, "bound to the operator who asked");
      const second = { ...first, id: randomUUID(), createdAt: NOW + 1 };
      await verifications.start(second);
      assert.equal((await verifications.latestPending(customer.id, operator.id))?.id, second.id);
      assert.equal(await verifications.use(first.id), false, "superseded");
      for (let i = 1; i <= 4; i += 1) {
        assert.deepEqual(await verifications.recordWrongCode(second.id, 5), { failedAttempts: i, status: "pending" });
      }
      assert.deepEqual(await verifications.recordWrongCode(second.id, 5), { failedAttempts: 5, status: "burned" });
      assert.equal(await verifications.recordWrongCode(second.id, 5), null);
      const third = { ...first, id: randomUUID(), createdAt: NOW + 2 };
      await verifications.start(third);
      assert.deepEqual((await Promise.all([verifications.use(third.id), verifications.use(third.id)])).sort(), [false, true]);
    });
  });
}
