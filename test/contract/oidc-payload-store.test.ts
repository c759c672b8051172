import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import type { Kysely } from "kysely";
import type { Adapter, AdapterFactory, AdapterPayload } from "oidc-provider";
import type { Database } from "../../src/adapters/db/schema.ts";
import { createBodySealer } from "../../src/adapters/crypto/body-sealer.ts";
import { deriveKey } from "../../src/adapters/crypto/derive-key.ts";
import { createOidcAdapterFactory } from "../../src/adapters/oidc/payload-adapter.ts";
import { purgeExpiredOidcPayloads } from "../../src/adapters/oidc/purge-expired-payloads.ts";
import { DB_BACKENDS } from "../support/db-backends.ts";
import { ManualClock } from "../support/manual-clock.ts";

const sealerOf = (secret: string): ReturnType<typeof createBodySealer> => createBodySealer(deriveKey(secret, "oidc-payload-seal"));
const SEALER = sealerOf("contract-test-secret-0123456789abcdef");
const CLIENT: AdapterPayload = { client_id: "trading-site", client_name: "OKB トレード", redirect_uris: ["https://trade.example.jp/cb"] };

/** A fresh opaque id, as oidc-provider makes them (43 base64url characters, 256 bits). */
function newId(): string {
  return randomBytes(32).toString("base64url");
}

// oidc-provider 9's adapter over oidc_payloads (migration 0020, issue 20 item 9) on every backend: the memory
// adapter's behaviour, with rows keyed by the id's SHA-256 and sealed payloads, so the table holds no usable token.
for (const backend of DB_BACKENDS) {
  describe(`OpenID Provider payload store contract (${backend.name})`, () => {
    let db: Kysely<Database>;
    let clock: ManualClock;
    let factory: AdapterFactory;
    let close: () => Promise<void>;
    const adapter = (model: string): Adapter => factory(model);
    before(async () => {
      const opened = await backend.open();
      db = opened.handle.db;
      clock = new ManualClock();
      factory = createOidcAdapterFactory(db, { clock, sealer: SEALER, findClient: async (id) => (id === CLIENT.client_id ? CLIENT : undefined) });
      close = opened.close;
    });
    after(() => close());

    const rowsOf = (idHash: string): Promise<unknown[]> => db.selectFrom("oidc_payloads").selectAll().where("id_hash", "=", idHash).execute();
    const sha256 = (text: string): string => createHash("sha256").update(text).digest("hex");

    it("stores and finds each model's payload as it was given (AccessToken, RefreshToken, Grant, Session, Interaction, AuthorizationCode)", async () => {
      const grantId = newId();
      const payloads: Record<string, AdapterPayload> = {
        AccessToken: { jti: newId(), kind: "AccessToken", accountId: "sub-1", clientId: "trading-site", grantId, scope: "openid okb.api", exp: 1_800_000_000 },
        RefreshToken: { jti: newId(), kind: "RefreshToken", accountId: "sub-1", clientId: "trading-site", grantId, rotations: 0, sessionUid: "uid-1" },
        Grant: { jti: grantId, kind: "Grant", accountId: "sub-1", clientId: "trading-site", openid: { scope: "openid profile" } },
        Session: { jti: newId(), kind: "Session", uid: `uid-${newId()}`, accountId: "sub-1", authorizations: { "trading-site": { sid: "sid-1", grantId } } },
        Interaction: { jti: newId(), kind: "Interaction", params: { client_id: "trading-site", scope: "openid" }, session: { accountId: "sub-1", uid: "uid-1", cookie: newId() } },
        AuthorizationCode: { jti: newId(), kind: "AuthorizationCode", grantId, codeChallenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", codeChallengeMethod: "S256", redirectUri: "https://trade.example.jp/cb" },
      };
      for (const [model, payload] of Object.entries(payloads)) {
        await adapter(model).upsert(payload.jti as string, payload, 600);
      }
      for (const [model, payload] of Object.entries(payloads)) {
        assert.deepEqual(await adapter(model).find(payload.jti as string), payload, model);
      }
    });

    it("the row holds neither the id, nor the user code, nor the session cookie an Interaction carries: only the id's SHA-256", async () => {
      const id = newId();
      const userCode = "BCDFGHJK";
      const cookie = newId();
      await adapter("DeviceCode").upsert(id, { jti: id, kind: "DeviceCode", userCode, clientId: "trading-site", params: { scope: "openid" } }, 600);
      await adapter("Interaction").upsert(id, { jti: id, kind: "Interaction", session: { accountId: "sub-1", uid: "uid-x", cookie } }, 600);
      const rows = await rowsOf(sha256(id));
      assert.equal(rows.length, 2);
      const raw = JSON.stringify(rows);
      for (const secret of [id, userCode, cookie, "trading-site", "sub-1"]) {
        assert.equal(raw.includes(secret), false, `the row shows ${secret}`);
      }
      assert.equal(rows.filter((row) => (row as { user_code_hash: string | null }).user_code_hash === sha256(userCode)).length, 1);
    });

    it("finds nothing for an unknown id, uid or user code, nor an id stored under another model", async () => {
      const id = newId();
      await adapter("AccessToken").upsert(id, { jti: id, kind: "AccessToken" }, 600);
      assert.equal(await adapter("AccessToken").find(newId()), undefined);
      assert.equal(await adapter("RefreshToken").find(id), undefined);
      assert.equal(await adapter("Session").findByUid("no-such-uid"), undefined);
      assert.equal(await adapter("DeviceCode").findByUserCode("XXXXXXXX"), undefined);
    });

    it("an expired row is absent from the second its time is up; a row without expiry stays", async () => {
      const short = newId();
      const forever = newId();
      await adapter("AccessToken").upsert(short, { jti: short, kind: "AccessToken" }, 60);
      await adapter("Grant").upsert(forever, { jti: forever, kind: "Grant" });
      clock.advance(59_999);
      assert.equal((await adapter("AccessToken").find(short))?.jti, short);
      clock.advance(1);
      assert.equal(await adapter("AccessToken").find(short), undefined);
      clock.advance(10 * 365 * 24 * 3600 * 1000);
      assert.equal((await adapter("Grant").find(forever))?.jti, forever);
    });

    it("consume marks the payload consumed (epoch seconds of the clock) and changes nothing else", async () => {
      const id = newId();
      const payload = { jti: id, kind: "RefreshToken", grantId: newId(), accountId: "sub-1" };
      await adapter("RefreshToken").upsert(id, payload, 600);
      assert.equal((await adapter("RefreshToken").find(id))?.consumed, undefined);
      await adapter("RefreshToken").consume(id);
      assert.deepEqual(await adapter("RefreshToken").find(id), { ...payload, consumed: Math.floor(clock.now() / 1000) });
    });

    it("destroy deletes the payload of its own model only", async () => {
      const id = newId();
      await adapter("AuthorizationCode").upsert(id, { jti: id, kind: "AuthorizationCode" }, 600);
      await adapter("Interaction").upsert(id, { jti: id, kind: "Interaction" }, 600);
      await adapter("AuthorizationCode").destroy(id);
      assert.equal(await adapter("AuthorizationCode").find(id), undefined);
      assert.equal((await adapter("Interaction").find(id))?.jti, id);
    });

    async function storeGrant(): Promise<{ grantId: string; tokens: Array<[string, string]> }> {
      const grantId = newId();
      await adapter("Grant").upsert(grantId, { jti: grantId, kind: "Grant", accountId: "sub-1" }, 3600);
      const tokens: Array<[string, string]> = [];
      for (const model of ["AccessToken", "RefreshToken", "AuthorizationCode"]) {
        const id = newId();
        await adapter(model).upsert(id, { jti: id, kind: model, grantId }, 600);
        tokens.push([model, id]);
      }
      return { grantId, tokens };
    }

    it("revokeByGrantId on the Grant removes the grant and every code and token of it, not another grant's", async () => {
      const revoked = await storeGrant();
      const kept = await storeGrant();
      await adapter("Grant").revokeByGrantId(revoked.grantId);
      assert.equal(await adapter("Grant").find(revoked.grantId), undefined);
      for (const [model, id] of revoked.tokens) {
        assert.equal(await adapter(model).find(id), undefined, model);
      }
      assert.equal((await adapter("Grant").find(kept.grantId))?.jti, kept.grantId);
      for (const [model, id] of kept.tokens) {
        assert.equal((await adapter(model).find(id))?.jti, id, model);
      }
    });

    it("revokeByGrantId on a token model (as the provider calls it) removes the grant's codes and tokens but keeps the Grant", async () => {
      const { grantId, tokens } = await storeGrant();
      await adapter("AccessToken").revokeByGrantId(grantId);
      for (const [model, id] of tokens) {
        assert.equal(await adapter(model).find(id), undefined, model);
      }
      assert.equal((await adapter("Grant").find(grantId))?.jti, grantId);
    });

    it("findByUid finds a Session with its id (so it can be saved back) and findByUserCode a DeviceCode with its user code", async () => {
      const sessionId = newId();
      const uid = newId();
      const session = { jti: sessionId, kind: "Session", uid, accountId: "sub-1", loginTs: 1_780_000_000 };
      await adapter("Session").upsert(sessionId, session, 3600);
      assert.deepEqual(await adapter("Session").findByUid(uid), session);
      const deviceId = newId();
      const device = { jti: deviceId, kind: "DeviceCode", userCode: "WDJBMJHT", clientId: "trading-site" };
      await adapter("DeviceCode").upsert(deviceId, device, 600);
      assert.deepEqual(await adapter("DeviceCode").findByUserCode("WDJBMJHT"), device);
      clock.advance(600_000);
      assert.equal(await adapter("DeviceCode").findByUserCode("WDJBMJHT"), undefined);
    });

    it("a second upsert overwrites the payload and its expiry, and the row is no longer consumed", async () => {
      const id = newId();
      await adapter("Session").upsert(id, { jti: id, kind: "Session", uid: "uid-old", accountId: "sub-1" }, 60);
      await adapter("Session").consume(id);
      const second = { jti: id, kind: "Session", uid: "uid-new", accountId: "sub-1", acr: "urn:okb:acr:passkey" };
      await adapter("Session").upsert(id, second, 3600);
      clock.advance(120_000);
      assert.deepEqual(await adapter("Session").find(id), second);
      assert.equal(await adapter("Session").findByUid("uid-old"), undefined);
      assert.deepEqual(await adapter("Session").findByUid("uid-new"), second);
      assert.equal((await rowsOf(sha256(id))).length, 1);
    });

    it("the purge deletes only expired rows, batch after batch, and says how many", async () => {
      await db.deleteFrom("oidc_payloads").execute();
      for (let n = 0; n < 5; n += 1) {
        const id = newId();
        await adapter("AccessToken").upsert(id, { jti: id, kind: "AccessToken" }, 60);
      }
      const later = newId();
      const forever = newId();
      await adapter("AccessToken").upsert(later, { jti: later, kind: "AccessToken" }, 61);
      await adapter("Grant").upsert(forever, { jti: forever, kind: "Grant" });
      clock.advance(60_000);
      assert.equal(await purgeExpiredOidcPayloads(db, clock.now(), { batchSize: 2 }), 5);
      assert.equal(await purgeExpiredOidcPayloads(db, clock.now()), 0);
      const left = await db.selectFrom("oidc_payloads").select("id_hash").execute();
      assert.deepEqual(left.map((row) => row.id_hash).sort(), [sha256(later), sha256(forever)].sort());
    });

    it("a payload with Japanese text and nested objects comes back intact", async () => {
      const id = newId();
      const payload = {
        jti: id,
        kind: "Interaction",
        params: { ui_locales: "ja", login_hint: "山田 太郎", claims: JSON.stringify({ id_token: { acr: { essential: true } } }) },
        result: { login: { accountId: "sub-1", amr: ["pwd", "otp"], acr: "urn:okb:acr:mfa" }, note: "「連携中のサービス」🙂" },
        lastSubmission: { nested: { deeper: { list: [1, "二", { three: null }] } } },
      };
      await adapter("Interaction").upsert(id, payload, 600);
      assert.deepEqual(await adapter("Interaction").find(id), payload);
    });

    it("a payload sealed with a rotated-out secret opens with olderSealers, and is absent without it", async () => {
      const id = newId();
      const old = sealerOf("old-server-secret-0123456789abcdef");
      const before = createOidcAdapterFactory(db, { clock, sealer: old, findClient: async () => undefined });
      await before("Grant").upsert(id, { jti: id, kind: "Grant" }, 600);
      const rotated = createOidcAdapterFactory(db, { clock, sealer: SEALER, olderSealers: [old], findClient: async () => undefined });
      assert.equal((await rotated("Grant").find(id))?.jti, id);
      assert.equal(await adapter("Grant").find(id), undefined);
    });

    it("the Client model is read through findClient and never written", async () => {
      assert.deepEqual(await adapter("Client").find("trading-site"), CLIENT);
      assert.equal(await adapter("Client").find("unknown"), undefined);
      await assert.rejects(adapter("Client").upsert("rogue", { client_id: "rogue" }), /Client model is read-only here \(upsert\).*oidc_clients/);
      await assert.rejects(adapter("Client").destroy("trading-site"), /Client model is read-only here \(destroy\)/);
      const clientRows = await db.selectFrom("oidc_payloads").selectAll().where("model", "=", "Client").execute();
      assert.deepEqual(clientRows, []);
    });
  });
}
