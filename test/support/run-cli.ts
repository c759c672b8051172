import { spawn } from "node:child_process";
import { Readable, Writable } from "node:stream";
import { fileURLToPath } from "node:url";
import type { Config } from "../../src/config.ts";
import type { CliContext } from "../../src/cli/cli-context.ts";
import { loadConfig } from "../../src/config.ts";
import { runCli as runCommandLine } from "../../src/cli/run-cli.ts";

const REPO_ROOT = fileURLToPath(new URL("../..", import.meta.url));

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  databaseUrl: string;
  stdin?: string;
}

/** The environment both ways of running the CLI see: the database, and a silent log. */
function cliEnvironment(options: CliOptions): Record<string, string> {
  return { DATABASE_URL: options.databaseUrl, LOG_LEVEL: "silent" };
}

/** Collects what a command writes to one of its streams. */
function collector(): { stream: Writable; text: () => string } {
  const chunks: Buffer[] = [];
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, done): void {
      chunks.push(typeof chunk === "string" ? Buffer.from(chunk, "utf8") : chunk);
      done();
    },
  });
  return { stream, text: () => Buffer.concat(chunks).toString("utf8") };
}

/**
 * Runs the CLI's own entry point, `runCli(context, argv)` from src/cli/run-cli.ts, in this
 * process: the same commands, real database and exit status as `npm run cli`, without a
 * process and a TypeScript load per run (issue 18 §2). Standard input is `stdin` piped in
 * (not a terminal), the configuration is read from the same environment the spawned CLI got.
 * runCliProcess below keeps the real command line for the smoke tests.
 */
export async function runCli(args: string[], options: CliOptions): Promise<CliRun> {
  const stdout = collector();
  const stderr = collector();
  const env = cliEnvironment(options);
  let config: Readonly<Config> | null = null;
  const input = options.stdin === undefined || options.stdin === "" ? [] : [Buffer.from(options.stdin, "utf8")];
  const context: CliContext = {
    config(): Readonly<Config> {
      config ??= loadConfig(env).config;
      return config;
    },
    // A pipe, as the spawned CLI's stdin was: not a TTY, so passwords are read as a line.
    stdin: Readable.from(input) as unknown as NodeJS.ReadStream,
    stdout: stdout.stream,
    stderr: stderr.stream,
  };
  const status = await runCommandLine(context, args);
  return { status, stdout: stdout.text(), stderr: stderr.text() };
}

/** Runs the real CLI as a child process (`node src/cli/main.ts`), as an operator would, with `stdin` piped in. */
export function runCliProcess(args: string[], options: CliOptions): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["src/cli/main.ts", ...args], {
      cwd: REPO_ROOT,
      env: { PATH: process.env["PATH"] ?? "", ...cliEnvironment(options) },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (status) => resolve({ status, stdout, stderr }));
    child.stdin.end(options.stdin ?? "");
  });
}
