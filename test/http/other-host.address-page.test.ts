import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { sharedTestService, startTestService } from "../support/test-service.ts";

const OTHER_HOST = "127.0.0.1:3000";

/**
 * Issue 21, item 8: the server was opened by another host name than PUBLIC_URL's
 * (`http://127.0.0.1:3000` from the start log, PUBLIC_URL `http://localhost:3000`); every
 * page showed, but every form then answered [4030], since the browser's Origin is not
 * PUBLIC_URL's. A GET of a page under another host name now answers with a short page that
 * names the address to use (a link to the same page at PUBLIC_URL), in Japanese and English.
 * APIs, /healthz, /readyz, /metrics and /static answer as before; the request's Host is never
 * written into the page.
 */
describe("a page opened under another host name than PUBLIC_URL's: which address to use", () => {
  const t = sharedTestService({ env: { PUBLIC_URL: "http://localhost:3000" } });

  it("answers GET /login under 127.0.0.1 with a page that links to the same page at PUBLIC_URL", async () => {
    const page = await t.client().get("/login", { headers: { host: OTHER_HOST } });
    assert.equal(page.statusCode, 421);
    assert.match(String(page.headers["content-type"]), /^text\/html/);
    assert.match(page.body, /<h1>このアドレスではご利用いただけません<\/h1>/);
    assert.match(page.body, /<a href="http:\/\/localhost:3000\/login" id="public-url">http:\/\/localhost:3000\/login<\/a>/);
    assert.match(page.body, /お手数ですが、次のアドレスからアクセスしてください。/);
    assert.doesNotMatch(page.body, /name="password"/, "no form that would only be refused");
    assert.doesNotMatch(page.body, /127\.0\.0\.1/, "the request's host is not repeated");
    assert.equal(page.headers["cache-control"], "no-store");
  });

  it("keeps the path and the language, and says it in English", async () => {
    const page = await t.client().get("/password/forgot?lang=en", { headers: { host: OTHER_HOST } });
    assert.equal(page.statusCode, 421);
    assert.match(page.body, /<h1>Please use our address<\/h1>/);
    assert.match(page.body, /<a href="http:\/\/localhost:3000\/password\/forgot\?lang=en" id="public-url">/);
  });

  it("never writes the request's Host into the page", async () => {
    const page = await t.client().get("/login", { headers: { host: "evil.example:3000" } });
    assert.equal(page.statusCode, 421);
    assert.doesNotMatch(page.body, /evil/);
    const odd = await t.client().get("/help", { headers: { host: "xn--n3h.example" } });
    assert.equal(odd.statusCode, 421);
    assert.doesNotMatch(odd.body, /xn--/);
  });

  it("serves the page as usual under PUBLIC_URL's host name, whatever the case or the port", async () => {
    for (const host of ["localhost:3000", "LOCALHOST:3000", "localhost", "localhost:8080"]) {
      const page = await t.client().get("/login", { headers: { host } });
      assert.equal(page.statusCode, 200, host);
      assert.match(page.body, /name="password"/, host);
    }
  });

  it("leaves the APIs, /healthz, /readyz, /metrics, /static and unknown paths as they were", async () => {
    const client = t.client();
    const api = await client.get("/api/v1/session", { headers: { host: OTHER_HOST } });
    assert.equal(api.statusCode, 401);
    assert.equal(api.json().error.code, "4010");
    assert.equal((await client.get("/healthz", { headers: { host: OTHER_HOST } })).statusCode, 200);
    assert.equal((await client.get("/readyz", { headers: { host: OTHER_HOST } })).statusCode, 200);
    assert.notEqual((await client.get("/metrics", { headers: { host: OTHER_HOST } })).statusCode, 421);
    const style = await client.get("/static/style.css", { headers: { host: OTHER_HOST } });
    assert.equal(style.statusCode, 200);
    assert.match(String(style.headers["content-type"]), /^text\/css/);
    assert.equal((await client.get("/.well-known/jwks.json", { headers: { host: OTHER_HOST } })).statusCode, 200);
    // The OpenID Provider's machine endpoints: a client back end may fetch the keys by an internal name.
    const keys = await client.get("/oidc/jwks", { headers: { host: OTHER_HOST } });
    assert.equal(keys.statusCode, 200);
    assert.ok(Array.isArray(keys.json().keys));
    assert.equal((await client.get("/.well-known/openid-configuration", { headers: { host: OTHER_HOST } })).statusCode, 200);
    assert.notEqual((await client.get("/oidc/me", { headers: { host: OTHER_HOST } })).statusCode, 421);
    assert.equal((await client.get("/no-such-page", { headers: { host: OTHER_HOST } })).statusCode, 404);
  });

  it("leaves POSTs to the origin check ([4030] from another origin, as before)", async () => {
    const response = await t.client().post("/login", { form: { loginId: "x", password: "y" }, headers: { host: OTHER_HOST, origin: "http://127.0.0.1:3000" } });
    assert.equal(response.statusCode, 403);
    assert.match(response.body, /\[4030\]/);
  });
});

describe("the address page behind a proxy (TRUST_PROXY) and on the console's own listener", () => {
  it("believes X-Forwarded-Host only from a trusted proxy", async (context) => {
    const t = await startTestService(context, { env: { PUBLIC_URL: "https://login.okb-sec.example", TRUST_PROXY: "127.0.0.1" } });
    const viaProxy = await t.client({ ip: "127.0.0.1" }).get("/login", { headers: { host: "10.0.0.5:3000", "x-forwarded-host": "login.okb-sec.example" } });
    assert.equal(viaProxy.statusCode, 200, "the proxy says which host the browser asked for");
    const direct = await t.client({ ip: "203.0.113.9" }).get("/login", { headers: { host: "10.0.0.5:3000", "x-forwarded-host": "login.okb-sec.example" } });
    assert.equal(direct.statusCode, 421, "anyone else's X-Forwarded-Host is ignored");
    assert.match(direct.body, /href="https:\/\/login\.okb-sec\.example\/login"/);
  });

  it("compares the console listener's pages with CONSOLE_PUBLIC_URL", async (context) => {
    const t = await startTestService(context, { env: { CONSOLE_LISTEN: "127.0.0.1:0", CONSOLE_PUBLIC_URL: "http://console.okb.test:3001" } });
    const client = t.consoleWebClient();
    const right = await client.get("/console/login", { headers: { host: "console.okb.test:3001" } });
    assert.equal(right.statusCode, 200);
    const wrong = await client.get("/console/login", { headers: { host: "127.0.0.1:3001" } });
    assert.equal(wrong.statusCode, 421);
    assert.match(wrong.body, /href="http:\/\/console\.okb\.test:3001\/console\/login"/);
    const api = await client.get("/console/api/v1/session", { headers: { host: "127.0.0.1:3001" } });
    assert.equal(api.json().error.code, "4010");
  });
});
