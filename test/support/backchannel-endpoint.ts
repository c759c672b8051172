import { createServer } from "node:http";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A relying party's back-channel endpoint on loopback: what it received, and what it answers (200 unless
 * told). The tests' `deliver` posts `logout_token=<sub> <sid>` (the real one posts a signed JWT).
 */
export class BackChannelEndpoint {
  readonly received: { sub: string; sid: string }[] = [];
  /** Status for the next requests, one per request; 200 once empty. */
  answers: number[] = [];
  /** Delay before answering, in ms. */
  delayMs = 0;
  private readonly server: Server;

  constructor() {
    this.server = createServer((request, response) => {
      let body = "";
      request.setEncoding("utf8");
      request.on("data", (chunk: string) => (body += chunk));
      request.on("end", () => {
        const status = this.answers.shift() ?? 200;
        const form = new URLSearchParams(body);
        const [sub, sid] = (form.get("logout_token") ?? "").split(" ");
        setTimeout(() => {
          if (status === 200) {
            this.received.push({ sub: sub ?? "", sid: sid ?? "" });
          }
          response.writeHead(status, { "cache-control": "no-store" }).end();
        }, this.delayMs);
      });
    });
  }

  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/backchannel`;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  sidsFor(sub: string): string[] {
    return this.received.filter((one) => one.sub === sub).map((one) => one.sid);
  }
}
