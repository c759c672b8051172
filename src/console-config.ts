import { z } from "zod";
import { isIP } from "node:net";
import { isOrigin, parseListen } from "./config-values.ts";

/**
 * Where the console (everything under /console) is served (issue 12), read by config.ts from the
 * same environment. `listen` null: on the main listener, and `publicUrl` is PUBLIC_URL; else on its
 * own listener (CONSOLE_LISTEN), whose origin is `publicUrl` (CONSOLE_PUBLIC_URL, default `http://host:port`).
 */
export interface ConsoleConfig {
  listen: { host: string; port: number } | null;
  publicUrl: string;
}

/** The console's variables, part of config.ts's schema (in its place there, so problems are listed in the same order). */
export const CONSOLE_ENV_SHAPE = {
  // The console on its own listener (issue 12), so a brokerage can keep it off the internet.
  CONSOLE_LISTEN: z
    .string()
    .regex(/^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):[0-9]{1,5}$/, "must be host:port, e.g. 10.0.0.5:3001 or [::1]:3001")
    .refine((value) => parseListen(value) !== null, "must be host:port with a port of 0-65535 (an IPv6 address in brackets)")
    .optional(),
  CONSOLE_PUBLIC_URL: z
    .url({ protocol: /^https?$/ })
    .refine(isOrigin, "must be an origin (scheme://host[:port]) without a path")
    .optional(),
};

/** The parsed variables `consoleSettings` reads. */
export interface ConsoleEnv {
  HOST: string;
  PORT: number;
  CONSOLE_LISTEN?: string | undefined;
  CONSOLE_PUBLIC_URL?: string | undefined;
}

/** The console's listener and origin; a problem is added for a setting that cannot hold. */
export function consoleSettings(e: ConsoleEnv, publicUrl: string, problems: string[], options: { production: boolean }): ConsoleConfig {
  const setting = listenerAndOrigin(e, publicUrl, problems);
  if (options.production && setting.listen !== null && !setting.publicUrl.startsWith("https://")) {
    // The console's cookie is Secure (a browser drops it on http) and operators type a password and a TOTP code.
    problems.push("  CONSOLE_PUBLIC_URL: must be https:// in production (the TLS proxy in front of CONSOLE_LISTEN)");
  }
  return setting;
}

function listenerAndOrigin(e: ConsoleEnv, publicUrl: string, problems: string[]): ConsoleConfig {
  const listen = e.CONSOLE_LISTEN === undefined ? null : parseListen(e.CONSOLE_LISTEN);
  if (listen === null) {
    if (e.CONSOLE_PUBLIC_URL !== undefined) {
      problems.push("  CONSOLE_PUBLIC_URL: only with CONSOLE_LISTEN (without it the console is under PUBLIC_URL/console)");
    }
    return { listen: null, publicUrl };
  }
  if (listen.port !== 0 && listen.port === e.PORT && listen.host === e.HOST) {
    problems.push("  CONSOLE_LISTEN: must differ from HOST:PORT (the public listener)");
  }
  const urlHost = isIP(listen.host) === 6 ? `[${listen.host}]` : listen.host;
  return { listen, publicUrl: (e.CONSOLE_PUBLIC_URL ?? `http://${urlHost}:${listen.port}`).replace(/\/$/, "") };
}
