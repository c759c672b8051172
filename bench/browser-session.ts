import { performance } from "node:perf_hooks";

/** A minimal browser over real HTTP: cookies, the CSRF field, a fixed client address (X-Forwarded-For). */
export class BrowserSession {
  private readonly cookies = new Map<string, string>();
  private csrf = "";

  constructor(
    private readonly baseUrl: string,
    private readonly clientIp: string,
  ) {}

  async get(path: string): Promise<{ status: number; ms: number; body: string }> {
    return this.send("GET", path);
  }

  async postForm(path: string, form: Record<string, string>): Promise<{ status: number; ms: number; body: string }> {
    return this.send("POST", path, new URLSearchParams({ _csrf: this.csrf, ...form }).toString());
  }

  private async send(method: "GET" | "POST", path: string, body?: string): Promise<{ status: number; ms: number; body: string }> {
    const headers: Record<string, string> = {
      "user-agent": "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36",
      "x-forwarded-for": this.clientIp,
    };
    if (body !== undefined) {
      headers["content-type"] = "application/x-www-form-urlencoded";
    }
    if (this.cookies.size > 0) {
      headers["cookie"] = [...this.cookies].map(([name, value]) => `${name}=${value}`).join("; ");
    }
    const started = performance.now();
    const response = await fetch(`${this.baseUrl}${path}`, { method, headers, body, redirect: "manual" });
    const text = await response.text();
    const ms = performance.now() - started;
    for (const line of response.headers.getSetCookie()) {
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
    return { status: response.status, ms, body: text };
  }
}
