import { createServer } from "node:net";
import type { AddressInfo } from "node:net";

/** A loopback port free right now, so PUBLIC_URL can name it before the app listens. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
