import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from "node:fs";
import { randomUUID } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { spawnService } from "../support/spawned-service.ts";
import type { SpawnedService } from "../support/spawned-service.ts";
import { SmtpCapture } from "../support/smtp-capture.ts";
import { LoadBalancer } from "../support/load-balancer.ts";
import { CookieBrowser } from "../support/cookie-browser.ts";
import { openDatabase } from "../../src/adapters/db/connect.ts";

const REPO_ROOT = fileURLToPath(new URL("../..", import.meta.url));
const REDIRECT = "https://trade.okb-sec.example/callback";
const run = promisify(execFile);

/**
 * Production runs compiled JavaScript: `npm run build`, then `node dist/main.js` (README).
 * Built fresh into a temporary directory every run, never from a dist/ lying around,
 * so a stale build cannot pass. The directory is laid out as a deployment is:
 * package.json (for "type": "module"), node_modules and dist/, and no src/, so a view
 * or stylesheet still looked for in src/ fails here.
 */
describe("compiled build: node dist/main.js and node dist/cli/main.js", { timeout: 240_000 }, () => {
  let dir: string;
  let dist: string;
  let databaseUrl: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "okb-compiled-"));
    dist = join(dir, "dist");
    databaseUrl = `sqlite:${join(dir, "okb-login.sqlite")}`;
    // The same script as `npm run build` (tsc -p tsconfig.build.json, then views and
    // static files), with --out-dir; tsc type-checks src/ on the way.
    try {
      await run(process.execPath, ["scripts/build.ts", "--out-dir", dist], { cwd: REPO_ROOT, timeout: 180_000 });
    } catch (error) {
      // tsc writes its errors to stdout, which execFile's message leaves out.
      const { stdout, stderr } = error as { stdout?: string; stderr?: string };
      throw new Error(`npm run build failed:\n${stdout ?? ""}${stderr ?? ""}`, { cause: error });
    }
    copyFileSync(join(REPO_ROOT, "package.json"), join(dir, "package.json"));
    symlinkSync(join(REPO_ROOT, "node_modules"), join(dir, "node_modules"), "dir");
  });

  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it("compiles every import to .js and copies the views and the stylesheet", () => {
    assert.ok(existsSync(join(dist, "main.js")));
    assert.ok(existsSync(join(dist, "cli", "main.js")));
    assert.ok(existsSync(join(dist, "web", "login", "login.eta")));
    assert.ok(existsSync(join(dist, "web", "static", "style.css")));
    // The OpenID Provider's pages (issue 20): every view of src/web/oidc, found by file name at run time.
    const oidcViews = readdirSync(join(REPO_ROOT, "src", "web", "oidc")).filter((name) => name.endsWith(".eta"));
    assert.ok(oidcViews.length >= 4, oidcViews.join(", "));
    for (const view of oidcViews) {
      assert.ok(existsSync(join(dist, "web", "oidc", view)), `dist/web/oidc/${view}`);
    }
  });

  it("node dist/cli/main.js migrate creates the database", async () => {
    const { stdout } = await run(process.execPath, [join(dist, "cli", "main.js"), "migrate"], {
      cwd: dir,
      env: { PATH: process.env["PATH"] ?? "", NODE_ENV: "development", DATABASE_URL: databaseUrl },
      timeout: 30_000,
    });
    assert.match(stdout, /^applied 0001-login-flow$/m);
  });

  it("node dist/main.js serves the login page, the stylesheet and /healthz, and exits 0 on SIGTERM", async () => {
    let server: SpawnedService | null = null;
    try {
      // NODE_ENV=development and no SMTP_URL: the embedded default, as `npm start` runs it.
      server = await spawnService(
        { NODE_ENV: "development", DATABASE_URL: databaseUrl, DEMO_CUSTOMER: "true", LOG_LEVEL: "info" },
        { entry: [join(dist, "main.js")], cwd: dir },
      );
      const login = await fetch(`${server.url}/login`);
      assert.equal(login.status, 200);
      assert.match(await login.text(), /ログインID/);
      const style = await fetch(`${server.url}/static/style.css`);
      assert.equal(style.status, 200);
      assert.match(style.headers.get("content-type") ?? "", /^text\/css/);
      const health = await fetch(`${server.url}/healthz`);
      assert.equal(health.status, 200);
      assert.match(server.output(), /Demo customer: login ID "demo"/);
      const code = await server.stop();
      const output = server.output();
      server = null;
      assert.equal(code, 0, output);
    } finally {
      if (server !== null) {
        server.process.kill("SIGKILL");
      }
    }
  });

  it("node dist/main.js is the OpenID Provider: discovery, its error page from our view in Japanese, a passkey step-up page", async () => {
    const smtp = new SmtpCapture();
    await smtp.listen();
    let server: SpawnedService | null = null;
    try {
      // A public client from the compiled CLI, as an operator registers one.
      const { stdout } = await run(process.execPath, [join(dist, "cli", "main.js"), "client", "add", "--client-id", "trade-compiled", "--name", "OKB取引サイト", "--redirect-uri", REDIRECT, "--public"], {
        cwd: dir,
        env: { PATH: process.env["PATH"] ?? "", NODE_ENV: "development", DATABASE_URL: databaseUrl },
        timeout: 30_000,
      });
      assert.match(stdout, /^added client trade-compiled \(public/mu);
      server = await spawnService(
        { NODE_ENV: "development", DATABASE_URL: databaseUrl, DEMO_CUSTOMER: "true", SMTP_URL: smtp.url },
        { entry: [join(dist, "main.js")], cwd: dir },
      );
      const discovery = await fetch(`${server.url}/.well-known/openid-configuration`);
      assert.equal(discovery.status, 200);
      const meta = (await discovery.json()) as Record<string, unknown>;
      assert.equal(meta["issuer"], server.url);
      assert.equal(meta["authorization_endpoint"], `${server.url}/oidc/auth`);

      // An unknown client: the provider's error, shown in our page (oidc-error.eta), in Japanese.
      const refused = await fetch(`${server.url}/oidc/auth?client_id=nobody&response_type=code&scope=openid&redirect_uri=${encodeURIComponent(REDIRECT)}`, { headers: { "accept-language": "ja" } });
      const refusedPage = await refused.text();
      assert.equal(refused.status, 400, refusedPage);
      assert.match(refused.headers.get("content-type") ?? "", /^text\/html/u);
      assert.match(refusedPage, /<html lang="ja"/u);
      assert.match(refusedPage, /ご利用のサービスへのログインを続けられませんでした/u);
      assert.match(refusedPage, /エラーの種類：invalid_client/u);
      assert.match(refusedPage, /href="\/static\/style\.css/u, "in our layout");

      // The demo customer with a passkey (written as the passkey pages would), logged in with password and code:
      // a client asking for a passkey gets our passkey page (oidc-passkey.eta and the passkey views it includes).
      const password = /Demo customer: login ID "demo", password "([^"]+)"/u.exec(server.output())?.[1] ?? "";
      const database = openDatabase(databaseUrl);
      try {
        const demo = await database.db.selectFrom("customers").select("id").where("login_id", "=", "demo").executeTakeFirstOrThrow();
        await database.db
          .insertInto("passkeys")
          .values({ id: randomUUID(), customer_id: demo.id, credential_id: "compiled-test-credential", public_key: "pQECAyYgASFYIA", device_type: "multiDevice", name: "テスト端末", created_at: Date.now(), last_used_at: null })
          .execute();
      } finally {
        await database.close();
      }
      const browser = new CookieBrowser(new LoadBalancer(server.url));
      const instance = server.url;
      const start = `/oidc/auth?${new URLSearchParams({
        client_id: "trade-compiled",
        response_type: "code",
        scope: "openid",
        redirect_uri: REDIRECT,
        code_challenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
        code_challenge_method: "S256",
        state: "compiled-state",
        acr_values: "urn:okb:acr:passkey",
      }).toString()}`;
      const toLogin = await browser.follow(() => instance, start);
      assert.deepEqual(toLogin.hops.map((hop) => hop.path.replace(/\/[A-Za-z0-9_-]{10,}$/u, "/UID")), ["/oidc/auth", "/oidc/interaction/UID", "/login"]);
      assert.equal((await browser.post(instance, "/login", { loginId: "demo", password })).headers.get("location"), "/login/mfa");
      const mail = await smtp.waitFor((one) => one.to === "demo@example.co.jp", 15_000);
      const code = /認証コード: (\d{6})/u.exec(mail.text)?.[1] ?? "";
      assert.equal((await browser.post(instance, "/login/mfa", { code })).headers.get("location"), "/");
      const stepUp = await browser.follow(() => instance, "/");
      assert.equal(stepUp.page?.status, 200, JSON.stringify(stepUp.hops));
      assert.match(stepUp.page?.body ?? "", /<h1>パスキーで本人確認<\/h1>/u);
      assert.match(stepUp.page?.body ?? "", /「OKB取引サイト」が、パスキーでの本人確認を求めています/u);
      assert.match(stepUp.page?.body ?? "", /id="step-up-cancel"/u);
      const scripts = [...(stepUp.page?.body ?? "").matchAll(/<script[^>]+src="([^"]+)"/gu)].map((match) => match[1] ?? "");
      assert.ok(scripts.includes("/static/passkey-login.js"), scripts.join(", "));
      for (const script of scripts) {
        assert.equal((await fetch(`${instance}${script}`)).status, 200, script);
      }
    } finally {
      await server?.stop();
      await smtp.close();
    }
  });
});
