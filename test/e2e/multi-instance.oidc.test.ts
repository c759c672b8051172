import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { generateKeyPairSync, randomUUID } from "node:crypto";
import * as oidc from "openid-client";
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from "jose";
import type { JSONWebKeySet } from "jose";
import { openDatabase } from "../../src/adapters/db/connect.ts";
import type { DatabaseHandle } from "../../src/adapters/db/connect.ts";
import { migrateToLatest } from "../../src/adapters/db/migrate.ts";
import { createCustomerStore } from "../../src/adapters/db/stores/customer-store.ts";
import { createOidcClientStore } from "../../src/adapters/db/stores/oidc-client-store.ts";
import { createArgon2Hasher } from "../../src/adapters/crypto/argon2-hasher.ts";
import { nodeRandom, systemClock } from "../../src/adapters/crypto/node-random.ts";
import { registerClient } from "../../src/core/oidc/client-registration.ts";
import { createTestSchema } from "../support/postgres.ts";
import type { TestSchema } from "../support/postgres.ts";
import { REDIS_TEST_URL } from "../support/backends.ts";
import { spawnService } from "../support/spawned-service.ts";
import type { SpawnedService } from "../support/spawned-service.ts";
import { SmtpCapture } from "../support/smtp-capture.ts";
import { LogoutTokenReceiver } from "../support/logout-token-receiver.ts";
import { LoadBalancer } from "../support/load-balancer.ts";
import { CookieBrowser } from "../support/cookie-browser.ts";
import type { Hop } from "../support/cookie-browser.ts";

// The load balancer's name: never dialled, only sent as Host. Every instance has it as PUBLIC_URL, so as issuer.
const ISSUER = "http://login.okb-lb.localhost";
const REDIRECT = "https://trade.okb-sec.example/callback";
const PASSWORD = "two instances one login";
// Longer than a poll of the delivery worker (2 s): while B's delivery waits for the client, A's worker polls the same table.
const SLOW_CLIENT_MS = 3000;

/**
 * Issue 20 item 9: the OpenID Provider on two real processes behind an imaginary load balancer,
 * sharing one PostgreSQL schema and one Redis, with the same OIDC_SIGNING_KEY and SERVER_SECRET.
 * A browser starts at A and finishes at B, the client redeems at B and refreshes at A, and a
 * logout at B reaches the client once although both instances run the delivery worker.
 */
describe("the OpenID Provider on two instances (PostgreSQL + Redis, keys shared)", { timeout: 120_000 }, () => {
  let schema: TestSchema;
  let smtp: SmtpCapture;
  let database: DatabaseHandle;
  let receiver: LogoutTokenReceiver;
  let a: SpawnedService;
  let b: SpawnedService;
  const balancer = new LoadBalancer(ISSUER);
  const clientId = "trade-multi";

  before(async () => {
    schema = await createTestSchema();
    smtp = new SmtpCapture();
    await smtp.listen();
    database = openDatabase(schema.url);
    await migrateToLatest(database.db, database.dialect);
    const signingKey = generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({ type: "pkcs8", format: "pem" }).toString();
    const env = {
      DATABASE_URL: schema.url,
      REDIS_URL: REDIS_TEST_URL,
      REDIS_PREFIX: `multi-oidc-${randomUUID()}:`,
      SMTP_URL: smtp.url,
      SERVER_SECRET: "multi-instance-oidc-secret-0123456789abcdef",
      PUBLIC_URL: ISSUER,
      OIDC_SIGNING_KEY: signingKey,
    };
    [a, b] = await Promise.all([spawnService(env), spawnService(env)]);
    // The client's end: tokens checked against A's published keys.
    receiver = new LogoutTokenReceiver({ issuer: ISSUER, jwksUri: `${ISSUER}/oidc/jwks`, clientIds: () => [clientId], fetch: balancer.fetchThrough(() => a.url) });
    receiver.delayMs = SLOW_CLIENT_MS;
  });

  after(async () => {
    const codes = await Promise.all([a?.stop(), b?.stop()]);
    await receiver?.close();
    await database?.close();
    await smtp?.close();
    await schema?.drop();
    assert.deepEqual(codes, [0, 0], "both instances shut down cleanly");
  });

  it("starts at A, logs in on A, finishes at B; B's token, A's keys, B's API, A's refresh; a logout at B reaches the client once; the refresh token then fails at both", async (t) => {
    const backchannel = await receiver.listen();
    const registered = await registerClient(
      { clients: createOidcClientStore(database.db, systemClock), clock: systemClock, random: nodeRandom },
      { clientId, name: "OKB取引サイト", redirectUris: [REDIRECT], postLogoutRedirectUris: [], backchannelLogoutUri: backchannel, isPublic: false },
    );
    const customer = { id: randomUUID(), loginId: "multioidc1", email: "multioidc1@example.co.jp" };
    await createCustomerStore(database.db).create({
      ...customer,
      name: "多重 花子",
      passwordHash: await createArgon2Hasher({ memoryKiB: 19456, timeCost: 2, parallelism: 1 }).hash(PASSWORD),
      mfaEnabled: true,
      createdAt: Date.now(),
    });

    // The relying party (openid-client), its requests through the balancer to the instance the test names.
    let rpTarget = a.url;
    const config = await oidc.discovery(new URL(ISSUER), clientId, registered.secret ?? "", undefined, {
      execute: [oidc.allowInsecureRequests],
      [oidc.customFetch]: balancer.fetchThrough(() => rpTarget),
    });
    const verifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const authorization = oidc.buildAuthorizationUrl(config, {
      redirect_uri: REDIRECT,
      scope: "openid profile offline_access okb.api",
      prompt: "consent",
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: "S256",
      state,
      nonce,
    });

    // The browser: the authorization and the login at A.
    const browser = new CookieBrowser(balancer);
    const atA = await browser.follow(() => a.url, authorization.href);
    assert.deepEqual(atA.hops.map(pathShape), ["/oidc/auth", "/oidc/interaction/UID", "/login"], JSON.stringify(atA.hops));
    assert.equal(atA.page?.status, 200);
    const password = await browser.post(a.url, "/login", { loginId: customer.loginId, password: PASSWORD });
    assert.equal(password.headers.get("location"), "/login/mfa", password.body);
    const mail = await smtp.waitFor((one) => one.to === customer.email && one.subject.includes("認証コード"), 15_000);
    const code = /認証コード: (\d{6})/u.exec(mail.text)?.[1] ?? "";
    const loggedIn = await browser.post(a.url, "/login/mfa", { code });
    assert.equal(loggedIn.headers.get("location"), "/", loggedIn.body);

    // The browser's next request goes to B: マイページ sends it back to the interaction, which B finishes
    // (the login, then the first-party consent prompt=consent asked for), each time resuming the authorization.
    const atB = await browser.follow(() => b.url, "/");
    assert.ok(atB.offOrigin !== null, `B sent the browser back to the client: ${JSON.stringify(atB.hops)}`);
    assert.deepEqual(atB.hops.map(pathShape), ["/", "/oidc/interaction/UID", "/oidc/auth/UID", "/oidc/interaction/UID", "/oidc/auth/UID"], JSON.stringify(atB.hops));
    assert.equal(atB.hops[1]?.path, atA.hops[1]?.path, "B finished the login interaction A started");
    assert.equal(atB.offOrigin.searchParams.get("iss"), ISSUER);

    // The code redeemed at B (PKCE, state, nonce and iss checked by openid-client).
    rpTarget = b.url;
    const tokens = await oidc.authorizationCodeGrant(config, atB.offOrigin, { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce, idTokenExpected: true });
    assert.equal(tokens.claims()?.sub, customer.id);
    assert.equal(tokens.claims()?.["acr"], "urn:okb:acr:mfa");
    const sid = String(tokens.claims()?.["sid"]);

    // Keys shared: both instances publish the same keys; B's ID token verifies against A's.
    const jwksA = JSON.parse((await balancer.send(a.url, "/oidc/jwks")).body) as JSONWebKeySet;
    const jwksB = JSON.parse((await balancer.send(b.url, "/oidc/jwks")).body) as JSONWebKeySet;
    assert.deepEqual(jwksB, jwksA);
    const idToken = tokens.id_token ?? "";
    assert.ok(jwksA.keys.some((key) => key.kid === decodeProtectedHeader(idToken).kid), "the ID token's kid is published");
    const verified = await jwtVerify(idToken, createLocalJWKSet(jwksA), { issuer: ISSUER, audience: clientId, algorithms: ["ES256"] });
    assert.equal(verified.payload["nonce"], nonce);

    // B's JSON API takes the access token (RFC 9068, scope okb.api); so does A's.
    const session = async (instance: string, accessToken: string): Promise<{ status: number; json: Record<string, unknown> }> => {
      const answer = await balancer.send(instance, "/api/v1/session", { headers: { authorization: `Bearer ${accessToken}` } });
      return { status: answer.status, json: JSON.parse(answer.body) as Record<string, unknown> };
    };
    const onB = await session(b.url, tokens.access_token);
    assert.equal(onB.status, 200, JSON.stringify(onB.json));
    assert.equal(onB.json["loginId"], customer.loginId);

    // The refresh at A: a new refresh token (rotation), a new access token A and B both take.
    rpTarget = a.url;
    const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token ?? "");
    assert.notEqual(refreshed.refresh_token, tokens.refresh_token);
    assert.equal((await session(a.url, refreshed.access_token)).status, 200);
    assert.equal((await session(b.url, refreshed.access_token)).status, 200);

    // The logout at B, from マイページ's form with the browser's cookie.
    const myPage = await browser.get(b.url, "/");
    assert.equal(myPage.status, 200);
    const loggedOutAt = Date.now();
    const logout = await browser.post(b.url, "/logout", {});
    assert.equal(logout.status, 303, logout.body);
    assert.match(logout.headers.get("location") ?? "", /^\/login\?loggedOut=1/u);
    const token = await receiver.tokenFor(sid, 10_000);
    assert.ok(token !== null, "the client got a logout token within 10 s");
    assert.equal(token.sub, customer.id);
    const tookMs = Date.now() - loggedOutAt;
    // Both workers polled meanwhile (every 2 s) and after: still one token, and one delivery recorded.
    await waitUntil(async () => (await deliveryOf(database, sid))?.delivered_at !== null, 15_000);
    await new Promise((resolve) => setTimeout(resolve, 4500));
    assert.equal(receiver.verified.length, 1, `exactly one logout token (${receiver.verified.length} arrived)`);
    assert.deepEqual(receiver.refused, []);
    const delivery = await deliveryOf(database, sid);
    assert.equal(delivery?.attempts, 1, "tried once");
    assert.ok(tookMs < 10_000, `within 10 s (${tookMs} ms)`);
    t.diagnostic(`the logout token arrived ${tookMs} ms after the logout at B`);

    // The refresh token is dead at both instances; the access token too.
    for (const [name, instance] of [["A", a.url], ["B", b.url]] as const) {
      rpTarget = instance;
      await assert.rejects(oidc.refreshTokenGrant(config, refreshed.refresh_token ?? ""), (error: unknown) => error instanceof oidc.ResponseBodyError && error.error === "invalid_grant", `refresh at ${name}`);
      assert.equal((await session(instance, refreshed.access_token)).status, 401, `bearer at ${name}`);
    }
  });
});

/** A hop's path with the interaction's uid replaced: the shape of the redirect chain. */
function pathShape(hop: Hop): string {
  return hop.path.replace(/\/[A-Za-z0-9_-]{10,}$/u, "/UID");
}

async function deliveryOf(database: DatabaseHandle, sid: string): Promise<{ delivered_at: number | null; attempts: number } | undefined> {
  const rows = await database.db.selectFrom("oidc_logout_deliveries").select(["delivered_at", "attempts"]).where("sid", "=", sid).execute();
  assert.ok(rows.length <= 1, `one delivery row per client and sid, not ${rows.length}`);
  return rows[0];
}

async function waitUntil(check: () => Promise<boolean>, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (!(await check())) {
    assert.ok(Date.now() < until, `not within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
