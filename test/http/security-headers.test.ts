import { before, describe, it } from "node:test";
import assert from "node:assert/strict";
import Fastify from "fastify";
import type { LightMyRequestResponse } from "fastify";
import helmet from "@fastify/helmet";
import { sharedTestService } from "../support/test-service.ts";
import type { WebClient } from "../support/web-client.ts";

/**
 * The options the app gave @fastify/helmet until issue 23 (src/web/kernel/response-headers.ts now sets
 * the headers they produce, once). What helmet answers with them is the reference for every answer.
 */
function helmetOptions(origin: string): Record<string, unknown> {
  return {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", "data:"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
        objectSrc: ["'none'"],
      },
    },
    strictTransportSecurity: origin.startsWith("https://") ? { maxAge: 31536000, includeSubDomains: true } : false,
    referrerPolicy: { policy: "same-origin" },
    frameguard: { action: "deny" },
  };
}

/** The headers @fastify/helmet adds to an answer, with `origin`'s options, in the order it sets them. */
async function helmetHeaders(origin: string): Promise<Array<[string, string]>> {
  const bare = async (withHelmet: boolean): Promise<LightMyRequestResponse> => {
    const app = Fastify();
    if (withHelmet) {
      await app.register(helmet, helmetOptions(origin));
    }
    app.get("/", async () => "ok");
    const response = await app.inject({ method: "GET", url: "/" });
    await app.close();
    return response;
  };
  const plain = await bare(false);
  const helmeted = await bare(true);
  return Object.entries(helmeted.headers)
    .filter(([name]) => !(name in plain.headers))
    .map(([name, value]) => [name, String(value)]);
}

/** Headers that are each answer's own (its body, its cookies, its redirect, its caching), not the security set. */
const PER_ANSWER = new Set(["content-type", "content-length", "date", "connection", "keep-alive", "set-cookie", "location", "cache-control", "retry-after"]);

/** `answer`'s headers but the per-answer ones, in the order sent. */
function securitySet(answer: LightMyRequestResponse): Array<[string, string]> {
  return Object.entries(answer.headers)
    .filter(([name]) => !PER_ANSWER.has(name))
    .map(([name, value]) => [name, String(value)]);
}

/**
 * DESIGN §4, strict security headers: a CSP without inline script (an injected
 * <script> does not run), no framing (clickjacking the login or logout button),
 * no MIME sniffing, no Referer to other sites, and no copy of a login or
 * customer page in any cache (the back button on a shared PC, a proxy).
 */
describe("security headers", () => {
  const t = sharedTestService();
  let loggedIn: WebClient;
  let pending: WebClient;
  let answers: Array<[string, LightMyRequestResponse]>;
  before(async () => {
    const customer = await t.addCustomer();
    loggedIn = t.client({ ip: "192.0.2.100" });
    await loggedIn.post("/login", { form: { loginId: customer.loginId, password: customer.password } });
    await loggedIn.post("/login/mfa", { form: { code: await t.codeFor(customer.email) } });
    const waiting = await t.addCustomer();
    pending = t.client({ ip: "192.0.2.101" });
    await pending.post("/login", { form: { loginId: waiting.loginId, password: waiting.password } });
    await t.codeFor(waiting.email);
    answers = await responses();
  });

  /** Every kind of answer: pages, redirects, refusals, errors, the JSON API (fetched once). */
  async function responses(): Promise<Array<[string, LightMyRequestResponse]>> {
    const stranger = t.client({ ip: "192.0.2.102" });
    return [
      ["GET /login", await stranger.get("/login")],
      ["GET /login/mfa (code pending)", await pending.get("/login/mfa")],
      ["GET / (logged in)", await loggedIn.get("/")],
      ["GET /api/v1/session (logged in)", await loggedIn.get("/api/v1/session")],
      ["GET /login/mfa (nothing pending: redirect)", await stranger.get("/login/mfa")],
      ["GET / (not logged in: redirect)", await stranger.get("/")],
      ["GET /api/v1/session (not logged in: 401)", await stranger.get("/api/v1/session")],
      ["POST /login (wrong password: the form again)", await stranger.post("/login", { form: { loginId: "nobody-here", password: "wrong password" } })],
      ["POST /login (no CSRF token: 403 page)", await stranger.post("/login", { form: { loginId: "x", password: "y" }, csrf: false })],
      ["GET /nope (404 page)", await stranger.get("/nope")],
      ["GET /api/v1/nope (404 JSON)", await stranger.get("/api/v1/nope")],
    ];
  }

  it("sends exactly the headers helmet set with the app's options, in its order, on every answer (issue 23: now set once, not by helmet)", async () => {
    const reference = await helmetHeaders("http://localhost:3000");
    assert.ok(reference.length >= 10, JSON.stringify(reference));
    for (const [what, response] of [...answers, ["GET /static/style.css", await t.client().get("/static/style.css")] as const]) {
      assert.deepEqual(securitySet(response), reference, what);
    }
  });

  it("sends a CSP without inline script that forbids framing, on every answer", async () => {
    for (const [what, response] of answers) {
      const csp = String(response.headers["content-security-policy"]);
      const directives = new Map(csp.split(";").map((part) => {
        const [name = "", ...values] = part.trim().split(/\s+/);
        return [name, values.join(" ")] as const;
      }));
      assert.equal(directives.get("default-src"), "'self'", `${what}: default-src`);
      assert.equal(directives.get("script-src"), "'self'", `${what}: script-src`);
      assert.equal(directives.get("frame-ancestors"), "'none'", `${what}: frame-ancestors`);
      assert.equal(directives.get("form-action"), "'self'", `${what}: form-action`);
      assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|\*/, `${what}: no unsafe source`);
      assert.equal(response.headers["x-frame-options"], "DENY", `${what}: X-Frame-Options for old browsers`);
    }
  });

  it("sends nosniff and a Referrer-Policy that tells other sites nothing, on every answer", async () => {
    for (const [what, response] of answers) {
      assert.equal(response.headers["x-content-type-options"], "nosniff", what);
      assert.equal(response.headers["referrer-policy"], "same-origin", what);
    }
  });

  it("marks every page, redirect, refusal and API answer Cache-Control: no-store", async () => {
    for (const [what, response] of answers) {
      assert.equal(response.headers["cache-control"], "no-store", what);
    }
  });

  it("lets the stylesheet keep its own caching", async () => {
    const response = await t.client().get("/static/style.css");
    assert.equal(response.statusCode, 200);
    assert.equal(response.headers["cache-control"], "public, max-age=3600");
    assert.equal(response.headers["x-content-type-options"], "nosniff");
  });

  it("serves pages with no inline script, event handler or style attribute, which the CSP would block", async () => {
    for (const [what, response] of answers) {
      if (!String(response.headers["content-type"]).startsWith("text/html") || response.body === "") {
        continue;
      }
      // Scripts only as empty elements naming a file of ours (the passkey pages); nothing inline.
      const scripts = response.body.match(/<script\b[^>]*>[\s\S]*?<\/script>/gi) ?? [];
      for (const script of scripts) {
        assert.match(script, /^<script src="\/static\/[a-z0-9-]+\.js" defer><\/script>$/, what);
      }
      const rest = scripts.reduce((body, script) => body.replace(script, ""), response.body);
      assert.doesNotMatch(rest, /<script|\son[a-z]+\s*=|\sstyle\s*=|javascript:/i, what);
    }
  });

  it("serves the login page's scripts from our own origin, as JavaScript", async () => {
    const login = await t.client().get("/login");
    const sources = [...login.body.matchAll(/<script src="([^"]+)"/g)].map((match) => match[1] ?? "");
    assert.deepEqual(sources, ["/static/simplewebauthn-browser.js", "/static/passkey-common.js", "/static/passkey-login.js"]);
    for (const source of sources) {
      const script = await t.client().get(source);
      assert.equal(script.statusCode, 200, source);
      assert.equal(script.headers["content-type"], "text/javascript; charset=utf-8", source);
      assert.ok(script.body.length > 500, source);
    }
    assert.match((await t.client().get("/static/simplewebauthn-browser.js")).body, /SimpleWebAuthnBrowser/);
  });

  it("sends no HSTS when PUBLIC_URL is plain http (it could lock the host out of http)", async () => {
    for (const [what, response] of answers) {
      assert.equal(response.headers["strict-transport-security"], undefined, what);
    }
  });
});

describe("security headers with an https PUBLIC_URL", () => {
  const t = sharedTestService({ env: { PUBLIC_URL: "https://login.example" } });

  it("sends exactly the headers helmet set with the app's options for a https origin, HSTS among them", async () => {
    const reference = await helmetHeaders("https://login.example");
    assert.ok(reference.some(([name]) => name === "strict-transport-security"));
    for (const url of ["/login", "/", "/api/v1/session", "/nope"]) {
      assert.deepEqual(securitySet(await t.client().get(url)), reference, url);
    }
  });

  it("sends HSTS for a year, subdomains included", async () => {
    for (const url of ["/login", "/", "/api/v1/session", "/nope"]) {
      const response = await t.client().get(url);
      assert.equal(response.headers["strict-transport-security"], "max-age=31536000; includeSubDomains", url);
    }
  });
});
