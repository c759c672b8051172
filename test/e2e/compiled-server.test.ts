import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { spawnService } from "../support/spawned-service.ts";
import type { SpawnedService } from "../support/spawned-service.ts";

const REPO_ROOT = fileURLToPath(new URL("../..", import.meta.url));
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
});
