import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { createServer } from "node:http";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Kysely } from "kysely";
import { exportJWK, generateKeyPair } from "jose";
import Provider from "oidc-provider";
import type { Database } from "../../src/adapters/db/schema.ts";
import { createBodySealer } from "../../src/adapters/crypto/body-sealer.ts";
import { deriveKey } from "../../src/adapters/crypto/derive-key.ts";
import { createOidcAdapterFactory } from "../../src/adapters/oidc/payload-adapter.ts";
import { DB_BACKENDS } from "../support/db-backends.ts";

const CLIENT_SECRET = "s3cret-0123456789abcdef0123456789abcdef";

// A real oidc-provider 9 given our adapter as its `adapter` setting: the client comes through findClient, and a
// client_credentials token it issues is stored through the adapter (by its hash) and found again.
for (const backend of DB_BACKENDS) {
  describe(`oidc-provider 9 on the payload adapter (${backend.name})`, () => {
    let db: Kysely<Database>;
    let server: Server;
    let issuer: string;
    let provider: Provider;
    let close: () => Promise<void>;
    before(async () => {
      const opened = await backend.open();
      db = opened.handle.db;
      close = opened.close;
      server = createServer();
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const adapter = createOidcAdapterFactory(db, {
        clock: { now: () => Date.now() },
        sealer: createBodySealer(deriveKey("contract-test-secret-0123456789abcdef", "oidc-payload-seal")),
        findClient: async (clientId) =>
          clientId === "trading-backend"
            ? { client_id: clientId, client_secret: CLIENT_SECRET, grant_types: ["client_credentials"], redirect_uris: [], response_types: [] }
            : undefined,
      });
      const { privateKey } = await generateKeyPair("RS256", { extractable: true });
      provider = new Provider(issuer, {
        adapter,
        jwks: { keys: [{ ...(await exportJWK(privateKey)), kid: "test", alg: "RS256", use: "sig" }] },
        features: { clientCredentials: { enabled: true }, devInteractions: { enabled: false } },
        scopes: ["okb.api"],
        ttl: { AccessToken: 600, ClientCredentials: 600 },
      });
      server.on("request", provider.callback());
    });
    after(async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await close();
    });

    it("issues a client_credentials token for a client from findClient, stores it by its hash and finds it again", async () => {
      const response = await fetch(`${issuer}/token`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", authorization: `Basic ${Buffer.from(`trading-backend:${CLIENT_SECRET}`).toString("base64")}` },
        body: new URLSearchParams({ grant_type: "client_credentials", scope: "okb.api" }),
      });
      assert.equal(response.status, 200);
      const { access_token: token } = (await response.json()) as { access_token: string };
      const row = await db.selectFrom("oidc_payloads").selectAll().where("id_hash", "=", createHash("sha256").update(token).digest("hex")).executeTakeFirstOrThrow();
      assert.equal(row.model, "ClientCredentials");
      assert.equal(JSON.stringify(row).includes(token), false);
      const found = await provider.ClientCredentials.find(token);
      assert.equal(found?.clientId, "trading-backend");
      assert.equal(found?.scope, "okb.api");
    });

    it("refuses an unknown client (findClient finds none) with invalid_client", async () => {
      const response = await fetch(`${issuer}/token`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", authorization: `Basic ${Buffer.from(`nobody:${CLIENT_SECRET}`).toString("base64")}` },
        body: new URLSearchParams({ grant_type: "client_credentials" }),
      });
      assert.equal(response.status, 401);
      assert.equal(((await response.json()) as { error: string }).error, "invalid_client");
    });

    it("an AccessToken saved through provider.AccessToken is found through the adapter, and gone after destroy", async () => {
      const client = await provider.Client.find("trading-backend");
      assert.ok(client);
      const grantId = "grant-1";
      const value = await new provider.AccessToken({ accountId: "sub-1", client, grantId, gty: "authorization_code", scope: "okb.api" }).save();
      const found = await provider.AccessToken.find(value);
      assert.equal(found?.accountId, "sub-1");
      assert.equal(found?.grantId, grantId);
      await found?.destroy();
      assert.equal(await provider.AccessToken.find(value), undefined);
    });
  });
}
