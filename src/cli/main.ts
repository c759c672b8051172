import type { Config } from "../config.ts";
import type { CliContext } from "./cli-context.ts";
import { loadConfig } from "../config.ts";
import { runCli } from "./run-cli.ts";

/** Entry point of `npm run cli`: like src/main.ts, the only place here that reads process.env. */
async function main(): Promise<void> {
  let config: Readonly<Config> | null = null;
  const context: CliContext = {
    config(): Readonly<Config> {
      // loadConfig's warnings are about SERVER_SECRET, which no command uses.
      config ??= loadConfig(process.env).config;
      return config;
    },
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
  };
  // exitCode rather than exit(), so output to a pipe is flushed before the process ends.
  process.exitCode = await runCli(context, process.argv.slice(2));
}

await main();
