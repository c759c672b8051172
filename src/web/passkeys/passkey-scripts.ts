import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { WebScope } from "../kernel/plugin.ts";

/**
 * @simplewebauthn/browser's UMD bundle (it defines `window.SimpleWebAuthnBrowser`), served from
 * our own origin: the CSP allows scripts from 'self' only. The package exports only its entry
 * point, so the bundle is found beside it (script/index.js → dist/bundle/).
 */
function webAuthnBundle(): Buffer {
  const entry = createRequire(import.meta.url).resolve("@simplewebauthn/browser");
  return readFileSync(join(dirname(entry), "..", "dist", "bundle", "index.umd.min.js"));
}

/** The passkey scripts of the login page and the パスキー page: only files named here are served, each read once at start. */
const SCRIPTS: ReadonlyMap<string, Buffer> = new Map([
  ["simplewebauthn-browser.js", webAuthnBundle()],
  ["passkey-common.js", readFileSync(new URL("./passkey-common.js", import.meta.url))],
  ["passkey-login.js", readFileSync(new URL("./passkey-login.js", import.meta.url))],
  ["passkeys.js", readFileSync(new URL("./passkeys.js", import.meta.url))],
]);

/** The scripts under /static/, cached for an hour, beside the stylesheet the operations plugin serves. */
export function registerPasskeyScripts(app: WebScope): void {
  for (const [name, script] of SCRIPTS) {
    app.get(`/static/${name}`, async (_request, reply) => {
      return reply.type("text/javascript; charset=utf-8").header("cache-control", "public, max-age=3600").send(script);
    });
  }
}
