import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import type { AuditEvent } from "../../src/core/kernel/ports-audit.ts";
import { LoginHistory } from "../../src/core/account/login-history.ts";
import { createAuditStore } from "../../src/adapters/db/audit-store.ts";
import { nodeRandom } from "../../src/adapters/crypto/node-random.ts";
import { DB_BACKENDS } from "../support/db-backends.ts";
import { ManualClock } from "../support/manual-clock.ts";

function event(customerId: string, name: AuditEvent["event"], detail: AuditEvent["detail"], requestId = randomUUID()): AuditEvent {
  return { event: name, outcome: "ok", customerId, actor: "customer", ip: "192.0.2.1", userAgent: "contract-test", requestId, detail };
}

// Issue 20 item 8: ログイン履歴 names, beside a login, the services it was given to, read from the audit
// log (`oidc.connected` carries the session's public ID, as `session.created` does), on both databases.
for (const backend of DB_BACKENDS) {
  describe(`ログイン履歴: the services each login was given to (${backend.name})`, () => {
    const clock = new ManualClock();
    let audit: ReturnType<typeof createAuditStore>;
    let history: LoginHistory;
    let close: () => Promise<void>;
    before(async () => {
      const opened = await backend.open();
      audit = createAuditStore(opened.handle.db, clock, nodeRandom);
      history = new LoginHistory({ activity: audit, clock });
      close = opened.close;
    });
    after(async () => {
      await close();
    });

    const login = (customerId: string, sessionId: string | null): Promise<void> =>
      audit.record(event(customerId, "session.created", sessionId === null ? { authMethods: "pwd otp mfa" } : { authMethods: "pwd otp mfa", sessionId }));
    const connected = (customerId: string, sessionId: string, clientId: string, clientName: string): Promise<void> => audit.record(event(customerId, "oidc.connected", { clientId, clientName, sessionId }));

    it("each login with the services given its session, each once, in the order they came; a login before sessions had an ID, or on our pages only, with none", async () => {
      const customerId = randomUUID();
      await login(customerId, "session-a");
      clock.advance(1000);
      await connected(customerId, "session-a", "trading", "OKB取引サイト");
      clock.advance(1000);
      await connected(customerId, "session-a", "app", "OKBアプリ");
      clock.advance(1000);
      await connected(customerId, "session-a", "trading", "OKB取引サイト");
      clock.advance(1000);
      await login(customerId, "session-b");
      clock.advance(1000);
      await login(customerId, null);
      // Another customer's connection of the same session ID (it cannot happen; still, not this customer's).
      await connected(randomUUID(), "session-b", "other", "他社サービス");

      const page = await history.page(customerId, {});
      assert.deepEqual(
        page.items.map((item) => item.services.map((service) => service.clientName)),
        [[], [], ["OKB取引サイト", "OKBアプリ"]],
      );
      assert.deepEqual(page.items[2]?.services[0], { clientId: "trading", clientName: "OKB取引サイト" });
    });

    it("finds the services of the oldest login on the page behind hundreds of newer connections", async () => {
      const customerId = randomUUID();
      await login(customerId, "old-session");
      clock.advance(1000);
      await connected(customerId, "old-session", "trading", "OKB取引サイト");
      clock.advance(1000);
      await login(customerId, "busy-session");
      // A client asking again and again (a page above 2 × 200 of them).
      for (let n = 0; n < 450; n += 1) {
        clock.advance(10);
        await connected(customerId, "busy-session", "app", "OKBアプリ");
      }
      const page = await history.page(customerId, {});
      assert.deepEqual(
        page.items.map((item) => item.services.map((service) => service.clientId)),
        [["app"], ["trading"]],
      );
    });
  });
}
