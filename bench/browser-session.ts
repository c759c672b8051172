import { Agent, request } from "node:http";
import { performance } from "node:perf_hooks";

export interface PageResponse {
  status: number;
  ms: number;
  body: string;
  location: string | undefined;
}

/**
 * Kept-alive connections for all virtual users. node:http costs the load
 * generator (which shares the machine with the server) about half what fetch does.
 */
const agent = new Agent({ keepAlive: true, maxSockets: 256 });

/**
 * A minimal browser over real HTTP: cookies, the CSRF field, a fixed client address (X-Forwarded-For).
 * Behind a load balancer (`instances`), it sends request r of the session to instance (first + r) mod N,
 * with the Host and Origin of the public URL, as a proxy forwards them.
 */
export class BrowserSession {
  private readonly cookies = new Map<string, string>();
  private csrf = "";
  private readonly url: URL;
  private readonly clientIp: string;
  private readonly instances: URL[];
  private next: number;

  constructor(publicUrl: string, clientIp: string, options?: { instances?: string[]; first?: number }) {
    this.url = new URL(publicUrl);
    this.clientIp = clientIp;
    this.instances = (options?.instances ?? [publicUrl]).map((instance) => new URL(instance));
    this.next = options?.first ?? 0;
  }

  async get(path: string): Promise<PageResponse> {
    return this.send("GET", path);
  }

  async postForm(path: string, form: Record<string, string>): Promise<PageResponse> {
    return this.send("POST", path, new URLSearchParams({ _csrf: this.csrf, ...form }).toString());
  }

  private async send(method: "GET" | "POST", path: string, body?: string): Promise<PageResponse> {
    const headers: Record<string, string> = {
      "user-agent": "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36",
      "x-forwarded-for": this.clientIp,
      host: this.url.host,
      // What a browser sends with a same-origin form (the server checks both).
      origin: this.url.origin,
      "sec-fetch-site": "same-origin",
    };
    if (body !== undefined) {
      headers["content-type"] = "application/x-www-form-urlencoded";
      headers["content-length"] = String(Buffer.byteLength(body));
    }
    if (this.cookies.size > 0) {
      headers["cookie"] = [...this.cookies].map(([name, value]) => `${name}=${value}`).join("; ");
    }
    const target = this.instances[this.next % this.instances.length] ?? this.url;
    this.next += 1;
    const started = performance.now();
    const { status, setCookies, location, text } = await new Promise<{ status: number; setCookies: string[]; location: string | undefined; text: string }>((resolve, reject) => {
      const outgoing = request({ agent, host: target.hostname, port: target.port, method, path, headers }, (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () =>
          resolve({ status: response.statusCode ?? 0, setCookies: response.headers["set-cookie"] ?? [], location: response.headers.location, text: Buffer.concat(chunks).toString("utf8") }),
        );
        response.on("error", reject);
      });
      outgoing.on("error", reject);
      outgoing.end(body);
    });
    const ms = performance.now() - started;
    for (const line of setCookies) {
      const [pair = ""] = line.split(";");
      const eq = pair.indexOf("=");
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1);
      if (value === "" || /expires=Thu, 01 Jan 1970/i.test(line)) {
        this.cookies.delete(name);
      } else {
        this.cookies.set(name, value);
      }
    }
    const token = /name="_csrf" value="([^"]*)"/.exec(text)?.[1];
    if (token !== undefined) {
      this.csrf = token;
    }
    return { status, ms, body: text, location };
  }
}
