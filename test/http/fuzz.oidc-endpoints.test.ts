import { before, describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import type { InjectOptions } from "fastify";
import { sharedTestService } from "../support/test-service.ts";
import type { RegisteredClient } from "../../src/core/oidc/client-registration.ts";

/** Fixed, so a failure can be replayed; override with FUZZ_SEED to explore. */
const SEED = Number(process.env["FUZZ_SEED"] ?? 20261207);
const RUNS = 2000;
const REDIRECT = "https://trade.okb-sec.example/callback";

const ENDPOINTS: Array<{ method: "GET" | "POST"; url: string; oauthJson: boolean }> = [
  { method: "GET", url: "/oidc/auth", oauthJson: false },
  { method: "POST", url: "/oidc/auth", oauthJson: false },
  { method: "POST", url: "/oidc/token", oauthJson: true },
  { method: "POST", url: "/oidc/token/introspection", oauthJson: true },
  { method: "POST", url: "/oidc/token/revocation", oauthJson: true },
  { method: "GET", url: "/oidc/me", oauthJson: true },
  { method: "POST", url: "/oidc/me", oauthJson: true },
  { method: "GET", url: "/oidc/session/end", oauthJson: false },
  { method: "POST", url: "/oidc/session/end/confirm", oauthJson: false },
  { method: "GET", url: "/oidc/interaction/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", oauthJson: false },
  { method: "GET", url: "/oidc/jwks", oauthJson: false },
  { method: "GET", url: "/.well-known/openid-configuration", oauthJson: false },
];

const FIELD_NAMES = ["client_id", "client_secret", "grant_type", "code", "redirect_uri", "code_verifier", "code_challenge", "code_challenge_method", "response_type", "scope", "state", "nonce", "refresh_token", "token", "token_type_hint", "resource", "acr_values", "prompt", "max_age", "id_token_hint", "post_logout_redirect_uri", "request", "__proto__", ""];

const nastyText = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.string({ unit: fc.constantFrom("\u0000", "\r", "\n", "%", "&", "=", "+", "\uD800", "\u202E", "\"", "\\", ".", "eyJ"), maxLength: 40 }),
  fc.constantFrom("%ZZ", "%FF%FE", "%C3", "%00", "authorization_code", "refresh_token", "client_credentials", "code", "openid okb.api offline_access", "S256", "plain", "none", REDIRECT, "x".repeat(70_000)),
);

function rawOrEncoded(text: string): string {
  return text.length % 2 === 0 ? encodeURIComponent(text.replace(/[\uD800-\uDFFF]/g, "?")) : text;
}

const formOf = (names: fc.Arbitrary<string>) =>
  fc.array(fc.tuple(fc.oneof(names, nastyText), nastyText), { maxLength: 8 }).map((pairs) => pairs.map(([name, value]) => `${rawOrEncoded(name)}=${rawOrEncoded(value)}`).join("&"));

interface FuzzRequest {
  endpoint: (typeof ENDPOINTS)[number];
  contentType: string;
  body: string | Buffer;
  query: string;
  authorization: string | null;
  useClient: boolean;
}

describe("fuzzed malformed requests to the OpenID Provider: OAuth errors, never a 5xx, nothing written", () => {
  const t = sharedTestService({ realTimeClock: true });
  let client: RegisteredClient;
  before(async () => {
    client = await t.addClient({ redirectUris: [REDIRECT] });
  });

  async function snapshot(): Promise<string> {
    const db = t.service.database.db;
    return JSON.stringify([
      await db.selectFrom("oidc_clients").selectAll().orderBy("client_id").execute(),
      await db.selectFrom("oidc_connections").selectAll().orderBy("id").execute(),
      await db.selectFrom("oidc_payloads").select(["model", "id_hash"]).where("model", "not in", ["Interaction", "Session"]).orderBy("id_hash").execute(),
      await db.selectFrom("sessions").selectAll().orderBy("id_hash").execute(),
    ]);
  }

  it(`sends ${RUNS} generated requests to every endpoint of the provider (seed ${SEED})`, async () => {
    const request: fc.Arbitrary<FuzzRequest> = fc.record({
      endpoint: fc.constantFrom(...ENDPOINTS),
      contentType: fc.constantFrom("application/x-www-form-urlencoded", "application/json", "text/plain", "application/x-www-form-urlencoded; charset=shift_jis", ""),
      body: fc.oneof(formOf(fc.constantFrom(...FIELD_NAMES)), fc.jsonValue().map((value) => JSON.stringify(value)), fc.uint8Array({ maxLength: 256 }).map((bytes) => Buffer.from(bytes))),
      query: fc.oneof(fc.constant(""), formOf(fc.constantFrom(...FIELD_NAMES))),
      authorization: fc.option(fc.oneof(nastyText.map((text) => `Basic ${Buffer.from(text).toString("base64")}`), nastyText.map((text) => `Bearer ${text.replace(/[^\x21-\x7e]/g, "x")}`), fc.constant("Basic %%%")), { nil: null }),
      useClient: fc.boolean(),
    });
    const before = await snapshot();
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(request, async (fuzz) => {
        let query = fuzz.query;
        let body = fuzz.body;
        if (fuzz.useClient) {
          // With the real client ID (and sometimes its secret), so the requests reach past client lookup.
          query = `client_id=${client.client.clientId}&redirect_uri=${encodeURIComponent(REDIRECT)}&response_type=code&${query}`;
          body = typeof body === "string" ? `client_id=${client.client.clientId}&${body.length % 3 === 0 ? `client_secret=${client.secret}&` : ""}${body}` : body;
        }
        const options: InjectOptions = {
          method: fuzz.endpoint.method,
          url: query === "" ? fuzz.endpoint.url : `${fuzz.endpoint.url}?${query}`,
          headers: {
            ...(fuzz.contentType === "" ? {} : { "content-type": fuzz.contentType }),
            ...(fuzz.authorization === null ? {} : { authorization: fuzz.authorization.replace(/[\r\n\u0000]/g, "") }),
            "user-agent": "fuzz",
          },
          ...(fuzz.endpoint.method === "POST" ? { payload: body } : {}),
        };
        const response = await t.service.app.inject(options);
        statuses.set(response.statusCode, (statuses.get(response.statusCode) ?? 0) + 1);
        assert.ok(response.statusCode < 500, `${options.method} ${String(options.url).slice(0, 120)} answered ${response.statusCode}: ${response.body.slice(0, 300)}`);
        if (fuzz.endpoint.oauthJson && response.statusCode >= 400 && response.statusCode !== 405) {
          const parsed = response.json() as { error?: unknown };
          assert.equal(typeof parsed.error, "string", `${options.method} ${fuzz.endpoint.url}: an OAuth error body, got ${response.body.slice(0, 200)}`);
        }
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );
    assert.equal((await t.service.app.inject({ method: "GET", url: "/.well-known/openid-configuration" })).statusCode, 200, "the provider still answers");
    assert.equal(await snapshot(), before, "no client, connection, grant, token or session was written");
    assert.ok((statuses.get(400) ?? 0) + (statuses.get(401) ?? 0) > RUNS / 4, `mostly refusals: ${JSON.stringify([...statuses])}`);
  });
});
