import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";

const REPO_ROOT = fileURLToPath(new URL("../..", import.meta.url));

export interface SpawnedService {
  url: string;
  process: ChildProcess;
  /** What the process wrote (JSON log lines and start-up text; the last 64 KiB). */
  output(): string;
  /** Resolves with the exit code when the process ends. */
  exited: Promise<number | null>;
  /** SIGTERM, then waits for the exit code. */
  stop(): Promise<number | null>;
}

/** A free loopback port, reserved and released (the service binds it right after). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * The real product as its own process (`node src/main.ts`, Node 24 stripping the types), as an
 * operator runs it, on a loopback port; resolves once /healthz answers.
 * `entry` replaces `src/main.ts` (the compiled `dist/main.js`), `cwd`
 * the repository root.
 */
export async function spawnService(
  env: Record<string, string>,
  options?: { nodeArgs?: string[]; entry?: string[]; cwd?: string },
): Promise<SpawnedService> {
  const port = await freePort();
  const child = spawn(process.execPath, [...(options?.nodeArgs ?? []), ...(options?.entry ?? ["src/main.ts"])], {
    cwd: options?.cwd ?? REPO_ROOT,
    env: {
      PATH: process.env["PATH"] ?? "",
      NODE_ENV: "test",
      HOST: "127.0.0.1",
      PORT: String(port),
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      DEMO_CUSTOMER: "false",
      LOG_LEVEL: "warn",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  // The last 64 KiB are enough to explain a failure; a long benchmark logs far more.
  const keep = (chunk: string): void => {
    output = (output + chunk).slice(-65_536);
  };
  child.stdout?.setEncoding("utf8").on("data", keep);
  child.stderr?.setEncoding("utf8").on("data", keep);
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) {
      throw new Error(`service exited with ${child.exitCode} before it was up:\n${output}`);
    }
    try {
      if ((await fetch(`${url}/healthz`)).ok) {
        break;
      }
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`service did not come up within 30 s:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url,
    process: child,
    output: () => output,
    exited,
    async stop(): Promise<number | null> {
      if (child.exitCode === null) {
        child.kill("SIGTERM");
      }
      return exited;
    },
  };
}
