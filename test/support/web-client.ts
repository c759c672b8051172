import type { FastifyInstance, LightMyRequestResponse } from "fastify";

export interface RequestOptions {
  form?: Record<string, string>;
  json?: unknown;
  headers?: Record<string, string>;
  /** Raw body with its own content-type header. */
  body?: string | Buffer;
  /**
   * `false`: send the form exactly as given, without the `_csrf` field a real page
   * would have added (for tests of the CSRF check itself).
   */
  csrf?: boolean;
}

const CSRF_INPUT = /<input type="hidden" name="_csrf" value="([^"]*)">/;

/**
 * A browser stand-in for app.inject: keeps the cookies the app sets and sends
 * them back, as a browser would on https. Like a page's form, a posted form
 * carries the `_csrf` token of the last page that had one; with none seen yet it
 * first loads /login, as a person would have.
 */
export class WebClient {
  readonly cookies = new Map<string, string>();
  /** The `_csrf` token from the last HTML page that had one. */
  csrfToken: string | null = null;
  private readonly app: FastifyInstance;
  private readonly userAgent: string;
  private readonly ip: string;

  constructor(app: FastifyInstance, options?: { userAgent?: string; ip?: string }) {
    this.app = app;
    this.userAgent = options?.userAgent ?? "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36";
    this.ip = options?.ip ?? "203.0.113.10";
  }

  async request(method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE", url: string, options: RequestOptions = {}): Promise<LightMyRequestResponse> {
    const headers: Record<string, string> = { "user-agent": this.userAgent, ...options.headers };
    let payload: string | Buffer | undefined = options.body;
    if (options.form !== undefined) {
      let form = options.form;
      if (options.csrf !== false && !("_csrf" in form)) {
        form = { _csrf: await this.knownCsrfToken(), ...form };
      }
      headers["content-type"] = "application/x-www-form-urlencoded";
      payload = new URLSearchParams(form).toString();
    } else if (options.json !== undefined) {
      headers["content-type"] = "application/json";
      payload = JSON.stringify(options.json);
    }
    // After the token: fetching it may have set the CSRF cookie.
    if (this.cookies.size > 0) {
      headers["cookie"] = [...this.cookies].map(([name, value]) => `${name}=${value}`).join("; ");
    }
    const response = await this.app.inject({ method, url, headers, payload, remoteAddress: this.ip });
    for (const cookie of response.cookies) {
      const expired = cookie.maxAge === 0 || (cookie.expires instanceof Date && cookie.expires.getTime() <= Date.now()) || cookie.value === "";
      if (expired) {
        this.cookies.delete(cookie.name);
      } else {
        this.cookies.set(cookie.name, cookie.value);
      }
    }
    if (String(response.headers["content-type"]).startsWith("text/html")) {
      this.csrfToken = CSRF_INPUT.exec(response.body)?.[1] ?? this.csrfToken;
    }
    return response;
  }

  private async knownCsrfToken(): Promise<string> {
    if (this.csrfToken === null) {
      await this.get("/login");
    }
    if (this.csrfToken === null) {
      throw new Error("GET /login showed no _csrf field");
    }
    return this.csrfToken;
  }

  get(url: string, options?: RequestOptions): Promise<LightMyRequestResponse> {
    return this.request("GET", url, options);
  }

  post(url: string, options?: RequestOptions): Promise<LightMyRequestResponse> {
    return this.request("POST", url, options);
  }

  put(url: string, options?: RequestOptions): Promise<LightMyRequestResponse> {
    return this.request("PUT", url, options);
  }

  patch(url: string, options?: RequestOptions): Promise<LightMyRequestResponse> {
    return this.request("PATCH", url, options);
  }

  delete(url: string, options?: RequestOptions): Promise<LightMyRequestResponse> {
    return this.request("DELETE", url, options);
  }
}
