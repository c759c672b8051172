import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

const BUNDLE = readFileSync(join(dirname(createRequire(import.meta.url).resolve("@simplewebauthn/browser")), "..", "dist", "bundle", "index.umd.min.js"));
const PAGE = '<!doctype html><html lang="ja"><head><meta charset="utf-8"><title>偽のログイン画面</title><script src="/b.js"></script></head><body><h1>ログイン</h1></body></html>';

/**
 * A phishing page for tests: another origin (http://localhost:PORT, so the RP ID `localhost` is
 * the same as the real site's and the browser lets it ask for the real site's passkeys), serving
 * nothing but @simplewebauthn/browser. What it makes the browser sign names its own origin.
 */
export class OtherOriginPage {
  private readonly server: Server;
  readonly origin: string;

  private constructor(server: Server, origin: string) {
    this.server = server;
    this.origin = origin;
  }

  static async start(): Promise<OtherOriginPage> {
    const server = createServer((request, response) => {
      if (request.url === "/b.js") {
        response.writeHead(200, { "content-type": "text/javascript" }).end(BUNDLE);
        return;
      }
      response.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(PAGE);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    return new OtherOriginPage(server, `http://localhost:${port}`);
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
