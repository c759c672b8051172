import type { Config } from "../config.ts";

/** What a command gets from the entry point: configuration and the three standard streams. */
export interface CliContext {
  /**
   * Loads the configuration on first use, so `help` and usage errors work even
   * when the environment is incomplete. Throws ConfigError on a bad value.
   */
  config(): Readonly<Config>;
  stdin: NodeJS.ReadStream;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}
