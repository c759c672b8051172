import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { loadConfig } from "../../src/config.ts";
import { listenLogText, startBanner } from "../../src/start-banner.ts";

/**
 * Issue 21, item 8: the log said `Server listening at http://127.0.0.1:3000` (fastify's line,
 * the listening address) a line above the banner's PUBLIC_URL, so people opened 127.0.0.1 and
 * every form answered [4030]. The log line and the banner now both name PUBLIC_URL as the
 * address the forms work on, apart from the address the server listens on.
 */
describe("the start banner and the log name PUBLIC_URL as the address to open", () => {
  const { config } = loadConfig({ PORT: "3000", HOST: "127.0.0.1", DEMO_CUSTOMER: "false" });

  it("says in the banner that the pages and forms work at PUBLIC_URL, and where it listens", () => {
    const lines = startBanner(config, { mailCatcher: false, demo: null, nodeVersion: "v24.0.0" });
    assert.equal(lines[0], "okb-login is running at http://localhost:3000/login");
    assert.equal(lines[1], "Open the pages at PUBLIC_URL http://localhost:3000: forms work at this address only (listening on 127.0.0.1:3000)");
    assert.ok(lines.includes("Operator console: http://localhost:3000/console"));
    assert.ok(lines.includes("OpenID Provider: http://localhost:3000/.well-known/openid-configuration (clients: npm run cli -- client add …)"));
    assert.equal(lines.at(-1), "Node.js v24.0.0");
  });

  it("adds the mail catcher and the demo customer when there are some", () => {
    const lines = startBanner(config, { mailCatcher: true, demo: { loginId: "demo", password: "pw" }, nodeVersion: "v24.0.0" });
    assert.ok(lines.includes("Mails go to the local catcher: http://localhost:3000/dev/mailbox (development only)"));
    assert.ok(lines.includes('Demo customer: login ID "demo", password "pw" (new at every start)'));
  });

  it("names the console's own listener and CONSOLE_PUBLIC_URL", () => {
    const own = loadConfig({ PORT: "3000", CONSOLE_LISTEN: "127.0.0.1:3001", DEMO_CUSTOMER: "false" }).config;
    const lines = startBanner(own, { mailCatcher: false, demo: null, nodeVersion: "v24.0.0" });
    assert.ok(lines.includes("Operator console (own listener 127.0.0.1:3001): http://127.0.0.1:3001/console"));
  });

  it("puts PUBLIC_URL into fastify's `Server listening at …` log line", () => {
    assert.equal(
      listenLogText(config.publicUrl)("http://127.0.0.1:3000"),
      "Server listening at http://127.0.0.1:3000; open the pages at PUBLIC_URL http://localhost:3000 (forms work at that address only)",
    );
  });
});
