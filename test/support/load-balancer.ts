import { request } from "node:http";

export interface Forwarded {
  status: number;
  headers: Headers;
  body: string;
}

/**
 * An imaginary load balancer in front of several instances of the service: every instance is
 * reached at its own loopback port, but with the path and the Host header of the public URL, as
 * a proxy forwards them (the provider builds its absolute URLs from the Host; the pages refuse
 * another host name). The test picks the instance of each request. node:http, not fetch: fetch
 * does not let a caller set Host.
 */
export class LoadBalancer {
  readonly publicUrl: string;
  private readonly host: string;

  constructor(publicUrl: string) {
    this.publicUrl = publicUrl.replace(/\/$/u, "");
    this.host = new URL(this.publicUrl).host;
  }

  /** `target` is a path, or an absolute URL on the public origin (the provider's redirects are). */
  pathOf(target: string): string {
    if (target.startsWith("/")) {
      return target;
    }
    const url = new URL(target);
    if (url.origin !== new URL(this.publicUrl).origin) {
      throw new Error(`not on the public origin ${this.publicUrl}: ${target}`);
    }
    return `${url.pathname}${url.search}`;
  }

  /** One request to `instance` (its loopback URL, as spawnService gives it). Redirects are not followed. */
  send(instance: string, target: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Forwarded> {
    const { hostname, port } = new URL(instance);
    const headers: Record<string, string> = { ...init.headers, host: this.host };
    if (init.body !== undefined) {
      headers["content-length"] = String(Buffer.byteLength(init.body));
    }
    return new Promise((resolve, reject) => {
      const outgoing = request({ hostname, port, path: this.pathOf(target), method: init.method ?? "GET", headers }, (response) => {
        let body = "";
        response.setEncoding("utf8");
        response.on("data", (chunk: string) => (body += chunk));
        response.on("end", () => {
          const received = new Headers();
          for (const [name, value] of Object.entries(response.headers)) {
            for (const one of Array.isArray(value) ? value : value === undefined ? [] : [value]) {
              received.append(name, one);
            }
          }
          resolve({ status: response.statusCode ?? 0, headers: received, body });
        });
        response.on("error", reject);
      });
      outgoing.on("error", reject);
      outgoing.end(init.body);
    });
  }

  /**
   * A fetch for openid-client's and jose's `customFetch`: each request goes to the instance `pick()`
   * names at that moment.
   */
  fetchThrough(pick: () => string): (url: string, options: { method?: string; headers?: HeadersInit; body?: unknown }) => Promise<Response> {
    return async (url, options) => {
      // openid-client sends its forms as URLSearchParams or strings; anything else is no request of a token endpoint's.
      const body = options.body === undefined || options.body === null ? undefined : typeof options.body === "string" || options.body instanceof URLSearchParams ? options.body.toString() : unsupported(options.body);
      const headers = Object.fromEntries(new Headers(options.headers).entries());
      const answer = await this.send(pick(), url, { method: options.method, headers, body });
      const empty = answer.status === 204 || answer.status === 304;
      return new Response(empty ? null : answer.body, { status: answer.status, headers: answer.headers });
    };
  }
}

function unsupported(body: unknown): never {
  throw new Error(`a request body the balancer does not forward: ${Object.prototype.toString.call(body)}`);
}
