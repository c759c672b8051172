import { readFileSync } from "node:fs";
import type { WebScope } from "../kernel/plugin.ts";

// One stylesheet, read once; not worth a static-file plugin.
const STYLE = readFileSync(new URL("../static/style.css", import.meta.url));

/** The stylesheet, cached for an hour (the passkey scripts are the passkeys plugin's: web/passkeys/passkey-scripts.ts). */
export function registerStatic(app: WebScope): void {
  app.get("/static/style.css", async (_request, reply) => {
    return reply.type("text/css; charset=utf-8").header("cache-control", "public, max-age=3600").send(STYLE);
  });
}
