import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AddressInfo } from "node:net";
import type { FastifyInstance } from "fastify";
import { sharedTestService } from "../support/test-service.ts";
import { freePort, spawnService } from "../support/spawned-service.ts";
import { totpCode } from "../../src/core/console/operators/totp.ts";
import { CONSOLE_COOKIE } from "../../src/web/kernel/cookies.ts";

// What a browser at the console would send as Origin (CONSOLE_PUBLIC_URL): the listener's
// port is not known before it listens (port 0), so the tests name the console's origin.
const CONSOLE_ORIGIN = "http://console.okb.test";

/** Listens on a loopback port of its own choosing; the base URL to fetch. */
async function listen(app: FastifyInstance): Promise<string> {
  await app.listen({ host: "127.0.0.1", port: 0 });
  const { port } = app.server.address() as AddressInfo;
  return `http://127.0.0.1:${port}`;
}

/** Status and `error.code` (or "-" when the body has none) of a real HTTP request. */
async function answer(url: string, init: { method?: string; json?: unknown; headers?: Record<string, string> } = {}): Promise<{ status: number; code: string; body: Record<string, unknown>; setCookie: string | null }> {
  const headers: Record<string, string> = { ...init.headers };
  if (init.json !== undefined) {
    headers["content-type"] = "application/json";
  }
  const response = await fetch(url, { method: init.method ?? "GET", headers, body: init.json === undefined ? undefined : JSON.stringify(init.json) });
  const text = await response.text();
  const body = response.headers.get("content-type")?.startsWith("application/json") === true ? (JSON.parse(text) as Record<string, unknown>) : {};
  const error = body["error"] as { code?: string } | undefined;
  return { status: response.status, code: error?.code ?? "-", body, setCookie: response.headers.get("set-cookie") };
}

describe("the console on its own listener (CONSOLE_LISTEN), real sockets", () => {
  // PUBLIC_URL names the host these tests fetch the public listener by: a page asked for under
  // another host name answers with a link to PUBLIC_URL instead (issue 21, item 8).
  const t = sharedTestService({ env: { CONSOLE_LISTEN: "127.0.0.1:0", CONSOLE_PUBLIC_URL: CONSOLE_ORIGIN, PUBLIC_URL: "http://127.0.0.1:3000" } });
  let publicUrl = "";
  let consoleUrl = "";

  async function urls(): Promise<{ publicUrl: string; consoleUrl: string }> {
    if (consoleUrl === "") {
      assert.ok(t.service.consoleApp, "createService built the console's own app");
      publicUrl = await listen(t.service.app);
      consoleUrl = await listen(t.service.consoleApp);
    }
    return { publicUrl, consoleUrl };
  }

  async function loginJson(): Promise<{ loginId: string; password: string; totp: string }> {
    const op = await t.addOperator();
    t.clock.advance(30_000);
    return { loginId: op.loginId, password: op.password, totp: totpCode(op.totpSecret, t.clock.now()) };
  }

  it("serves the console API on the console listener: login, session, logout", async () => {
    const { consoleUrl } = await urls();
    const login = await answer(`${consoleUrl}/console/api/v1/login`, { method: "POST", json: await loginJson() });
    assert.equal(login.status, 200, JSON.stringify(login.body));
    assert.equal(login.body["status"], "ok");
    const cookie = /^([^;]+)/.exec(login.setCookie ?? "")?.[1] ?? "";
    assert.ok(cookie.startsWith(`${CONSOLE_COOKIE}=`), String(login.setCookie));
    const session = await answer(`${consoleUrl}/console/api/v1/session`, { headers: { cookie } });
    assert.equal(session.status, 200);
    // A browser at the console's own origin may post: the origin check compares against CONSOLE_PUBLIC_URL.
    const logout = await answer(`${consoleUrl}/console/api/v1/logout`, { method: "POST", json: {}, headers: { cookie, origin: CONSOLE_ORIGIN, "sec-fetch-site": "same-origin" } });
    assert.equal(logout.status, 200, JSON.stringify(logout.body));
    assert.equal((await answer(`${consoleUrl}/console/api/v1/session`, { headers: { cookie } })).code, "4010");
  });

  it("answers [4040] for every /console path on the public listener, as for any unknown path", async () => {
    const { publicUrl } = await urls();
    const login = await answer(`${publicUrl}/console/api/v1/login`, { method: "POST", json: await loginJson() });
    assert.deepEqual([login.status, login.code], [404, "4040"]);
    assert.equal(login.setCookie, null, "no console session from the public listener");
    for (const path of ["/console", "/console/", "/console/api/v1/session", "/console/static/console.css", "/console/customers"]) {
      const response = await answer(`${publicUrl}${path}`);
      assert.equal(response.status, 404, path);
    }
    assert.deepEqual(await answer(`${publicUrl}/console/api/v1/session`).then((r) => [r.status, r.code]), [404, "4040"]);
    // The customers' side is still there.
    assert.equal((await answer(`${publicUrl}/login`)).status, 200);
  });

  it("refuses a post from the public site's origin on the console listener with [4030]", async () => {
    const { consoleUrl } = await urls();
    const refused = await answer(`${consoleUrl}/console/api/v1/login`, { method: "POST", json: await loginJson(), headers: { origin: t.config.publicUrl } });
    assert.deepEqual([refused.status, refused.code], [403, "4030"]);
    assert.equal(refused.setCookie, null);
  });

  it("serves the stylesheet and /healthz beside the console, and none of the customer pages", async () => {
    const { consoleUrl } = await urls();
    const style = await fetch(`${consoleUrl}/static/style.css`);
    assert.equal(style.status, 200);
    assert.match(String(style.headers.get("content-type")), /^text\/css/);
    assert.equal((await answer(`${consoleUrl}/healthz`)).body["status"], "ok");
    for (const path of ["/login", "/", "/api/v1/session", "/metrics", "/password/forgot"]) {
      assert.equal((await answer(`${consoleUrl}${path}`)).status, 404, path);
    }
    // The same security headers as the public side.
    const headers = (await fetch(`${consoleUrl}/console/api/v1/session`)).headers;
    assert.match(String(headers.get("content-security-policy")), /frame-ancestors 'none'/);
    assert.equal(headers.get("cache-control"), "no-store");
  });
});

describe("the console by default: under /console on the main listener", () => {
  const t = sharedTestService();

  it("has no console app of its own, and the console API answers on the main app", async () => {
    assert.equal(t.service.consoleApp, null);
    assert.equal(t.config.console.listen, null);
    const { client } = await t.consoleClient();
    const session = await client.get("/console/api/v1/session");
    assert.equal(session.statusCode, 200);
  });
});

describe("npm start with CONSOLE_LISTEN (the real process)", () => {
  it("listens on both, prints the console's URL, and a SIGTERM stops both", async (context) => {
    const dir = mkdtempSync(join(tmpdir(), "okb-console-listen-"));
    context.after(() => rmSync(dir, { recursive: true, force: true }));
    const consolePort = await freePort();
    const service = await spawnService({ DATABASE_URL: `sqlite:${join(dir, "db.sqlite")}`, CONSOLE_LISTEN: `127.0.0.1:${consolePort}` });
    context.after(async () => {
      await service.stop();
    });
    const consoleUrl = `http://127.0.0.1:${consolePort}`;
    assert.equal((await answer(`${consoleUrl}/healthz`)).status, 200);
    assert.equal((await answer(`${consoleUrl}/console/api/v1/session`)).code, "4010");
    assert.equal((await answer(`${service.url}/console/api/v1/session`)).code, "4040");
    assert.match(service.output(), new RegExp(`Operator console \\(own listener 127\\.0\\.0\\.1:${consolePort}\\): ${consoleUrl.replaceAll(".", "\\.")}/console`));
    assert.equal(await service.stop(), 0);
    await assert.rejects(fetch(`${consoleUrl}/healthz`), "the console listener closed too");
  });
});
