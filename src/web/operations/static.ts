import { readFileSync } from "node:fs";
import type { WebScope } from "../kernel/plugin.ts";

/**
 * The files every customer page may load, by name only, each read once: the stylesheet, and the
 * 「パスワードを表示」 toggle of kernel/views/form-field.eta (issue 21 item 4), a script from our
 * origin as the CSP wants. Not worth a static-file plugin.
 */
const FILES: ReadonlyMap<string, { type: string; body: Buffer }> = new Map([
  ["style.css", { type: "text/css; charset=utf-8", body: readFileSync(new URL("../static/style.css", import.meta.url)) }],
  ["show-password.js", { type: "text/javascript; charset=utf-8", body: readFileSync(new URL("../kernel/views/show-password.js", import.meta.url)) }],
]);

/** Those files under /static/, cached for an hour (the passkey scripts are the passkeys plugin's: web/passkeys/passkey-scripts.ts). */
export function registerStatic(app: WebScope): void {
  for (const [name, file] of FILES) {
    app.get(`/static/${name}`, async (_request, reply) => {
      return reply.type(file.type).header("cache-control", "public, max-age=3600").send(file.body);
    });
  }
}
