import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { FastifyInstance } from "fastify";
import { sharedTestService } from "../support/test-service.ts";

// Issue 19 item 3: no route can forget its session. Each route group installs its session
// preHandler once (kernel/customer-session.ts, console/console-session.ts); this walks every
// route the app registered and checks that each one has the preHandler its area asks for,
// except the public routes listed here, which must have none.

const PUBLIC = new Set([
  // Logging in and out.
  "GET /login",
  "POST /login",
  "GET /login/mfa",
  "POST /login/mfa",
  "POST /login/mfa/resend",
  "POST /logout",
  "POST /api/v1/login",
  "GET /api/v1/login/mfa",
  "POST /api/v1/login/mfa",
  "POST /api/v1/login/mfa/resend",
  "POST /api/v1/logout",
  "POST /api/v1/login/passkey/options",
  "POST /api/v1/login/passkey",
  // The forgotten password and login ID, and the page after 口座の凍結 (its session is gone).
  "GET /password/forgot",
  "POST /password/forgot",
  "GET /password/forgot/code",
  "POST /password/forgot/code",
  "GET /password/forgot/done",
  "GET /login-id/forgot",
  "POST /login-id/forgot",
  "GET /freeze/done",
  "POST /api/v1/password-reset",
  "POST /api/v1/password-reset/complete",
  "POST /api/v1/login-id/remind",
  // Help, operations, static files, the trading site's public keys.
  "GET /help",
  "GET /help/code-not-received",
  "GET /help/passkeys",
  "GET /help/freeze",
  "GET /healthz",
  "GET /readyz",
  "GET /metrics",
  "GET /static/style.css",
  "GET /static/show-password.js",
  "GET /static/simplewebauthn-browser.js",
  "GET /static/passkey-common.js",
  "GET /static/passkey-login.js",
  "GET /static/passkeys.js",
  "GET /.well-known/jwks.json",
  // The console's login and logout, and its stylesheet.
  "GET /console/login",
  "POST /console/login",
  "POST /console/logout",
  "POST /console/api/v1/login",
  "POST /console/api/v1/logout",
  "GET /console/static/console.css",
  "GET /console/static/uplot.js",
  "GET /console/static/dashboard-charts.js",
  // The OpenID Provider (issue 20): oidc-provider's endpoints, handed over untouched (it reads the
  // session where it needs it), and the interaction pages, which send a browser without one to /login.
  ...["/.well-known/openid-configuration", "/oidc/auth", "/oidc/auth*", "/oidc/token", "/oidc/me", "/oidc/jwks", "/oidc/token/revocation", "/oidc/token/introspection", "/oidc/session/end", "/oidc/session/end*", "/oidc/request"].flatMap(
    (path) => ["GET", "HEAD", "POST", "OPTIONS"].map((method) => `${method} ${path}`),
  ),
  "GET /oidc/interaction/:uid",
  "HEAD /oidc/interaction/:uid",
  "GET /oidc/interaction/:uid/abort",
  "HEAD /oidc/interaction/:uid/abort",
]);

const GUARDS = ["customerPageSession", "customerApiSession", "operatorPageSession", "operatorApiSession"] as const;
type Guard = (typeof GUARDS)[number];

/** The session preHandler a route of this path must have. */
function guardFor(path: string): Guard {
  if (path.startsWith("/console/api/")) {
    return "operatorApiSession";
  }
  if (path === "/console" || path.startsWith("/console/")) {
    return "operatorPageSession";
  }
  return path.startsWith("/api/") ? "customerApiSession" : "customerPageSession";
}

/**
 * Every route the app registered ("GET /history", HEAD included) with the names of its
 * preHandlers, read from fastify's route tree: each line names a node by the part of the path
 * after its parent's, with its methods; the hooks of those methods follow it.
 */
async function routesWithPreHandlers(app: FastifyInstance): Promise<Map<string, string[]>> {
  // The hooks are put together when the app is ready.
  await app.ready();
  const routes = new Map<string, string[]>();
  const path: string[] = [];
  let depth = 0;
  let methods: string[] = [];
  for (const line of app.printRoutes({ includeHooks: true, commonPrefix: false }).split("\n")) {
    const node = /^(.*?)(?:├── |└── )(.*)$/u.exec(line);
    let content: string;
    if (node !== null) {
      depth = (node[1] ?? "").length / 4;
      content = node[2] ?? "";
    } else {
      content = line.slice((depth + 1) * 4);
    }
    const hooks = /^• \(preHandler\) (\[.*\])$/u.exec(content);
    if (hooks !== null) {
      for (const method of methods) {
        routes.get(`${method} ${path.join("")}`)?.push(...(JSON.parse(hooks[1] ?? "[]") as string[]));
      }
      continue;
    }
    const route = /^(.*) \(([A-Z, ]+)\)$/u.exec(content);
    if (route !== null) {
      if (node !== null) {
        path.length = depth;
        path.push(route[1] ?? "");
      }
      methods = (route[2] ?? "").split(", ");
      for (const method of methods) {
        routes.set(`${method} ${path.join("")}`, []);
      }
    }
  }
  return routes;
}

describe("every route's session: installed by its route group, not remembered by each route", () => {
  const t = sharedTestService();

  it("gives every member page, member API route and console route its session preHandler, and none to the public routes", async () => {
    const routes = await routesWithPreHandlers(t.service.app);
    assert.ok(routes.size > 100, `walked ${routes.size} routes`);
    const wrong: string[] = [];
    for (const [route, preHandlers] of routes) {
      const [method = "", path = ""] = route.split(" ");
      const key = method === "HEAD" ? `GET ${path}` : route;
      const guards = GUARDS.filter((guard) => preHandlers.some((name) => name.includes(guard)));
      const expected = PUBLIC.has(key) ? [] : [guardFor(path)];
      if (guards.join() !== expected.join()) {
        wrong.push(`${route}: ${guards.join(", ") || "no session"} (expected ${expected.join() || "none"})`);
      }
    }
    assert.deepEqual(wrong, []);
  });

  it("lists only public routes the app has", async () => {
    const routes = await routesWithPreHandlers(t.service.app);
    assert.deepEqual([...PUBLIC].filter((route) => !routes.has(route)), []);
  });
});
