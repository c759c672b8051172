import type { Forwarded, LoadBalancer } from "./load-balancer.ts";

const CSRF_INPUT = /<input type="hidden" name="_csrf" value="([^"]*)">/u;

interface StoredCookie {
  name: string;
  value: string;
  path: string;
}

/** One hop of a redirect chain: which instance answered what. */
export interface Hop {
  instance: string;
  path: string;
  status: number;
}

/**
 * A browser stand-in over real HTTP through a LoadBalancer: keeps cookies by name and path
 * (RFC 6265 §5.1.4 path-match; the provider's interaction cookies have paths of their own), sends
 * the Origin of the public URL on a POST and the `_csrf` token of the last page that had one, and
 * follows nothing by itself: `follow` goes from redirect to redirect, each to the instance the
 * test picks, so a flow can start on one instance and go on at another.
 */
export class CookieBrowser {
  csrfToken: string | null = null;
  private readonly balancer: LoadBalancer;
  private readonly jar: StoredCookie[] = [];

  constructor(balancer: LoadBalancer) {
    this.balancer = balancer;
  }

  get(instance: string, target: string): Promise<Forwarded> {
    return this.request(instance, target, { method: "GET" });
  }

  /** A form as the page would post it (`_csrf` added unless given). */
  post(instance: string, target: string, form: Record<string, string>): Promise<Forwarded> {
    const fields = this.csrfToken === null || "_csrf" in form ? form : { _csrf: this.csrfToken, ...form };
    return this.request(instance, target, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: new URL(this.balancer.publicUrl).origin },
      body: new URLSearchParams(fields).toString(),
    });
  }

  /**
   * GETs `start`, then each redirect on the public origin, at the instance `pick` names for it;
   * and the page that moves on by itself (a meta refresh); stops at a page (not a redirect) or at a redirect off
   * the public origin (a client's redirect URI).
   */
  async follow(pick: (path: string) => string, start: string): Promise<{ hops: Hop[]; page: Forwarded | null; offOrigin: URL | null }> {
    const hops: Hop[] = [];
    const origin = new URL(this.balancer.publicUrl).origin;
    let target = start;
    for (let n = 0; n < 12; n += 1) {
      const path = this.balancer.pathOf(target);
      const instance = pick(path);
      const answer = await this.get(instance, path);
      hops.push({ instance, path: path.split("?")[0] ?? path, status: answer.status });
      // マイページ's 「ご利用のサービスに戻ります」 (oidc-continue.eta) moves on by a meta refresh, as a browser follows it.
      const refresh = answer.status === 200 ? /<meta http-equiv="refresh" content="0; url=([^"]+)">/u.exec(answer.body)?.[1] : undefined;
      const location = answer.headers.get("location") ?? refresh?.replaceAll("&amp;", "&") ?? null;
      if ((refresh === undefined && (answer.status < 300 || answer.status >= 400)) || location === null) {
        return { hops, page: answer, offOrigin: null };
      }
      if (!location.startsWith("/") && new URL(location).origin !== origin) {
        return { hops, page: null, offOrigin: new URL(location) };
      }
      target = location;
    }
    throw new Error(`more than 12 redirects: ${JSON.stringify(hops)}`);
  }

  private async request(instance: string, target: string, init: { method: string; headers?: Record<string, string>; body?: string }): Promise<Forwarded> {
    const path = this.balancer.pathOf(target);
    const cookie = this.cookiesFor(path.split("?")[0] ?? path);
    const headers: Record<string, string> = { "user-agent": "Mozilla/5.0 (X11; Linux x86_64) okb-login-test", "accept-language": "ja", ...init.headers };
    if (cookie !== "") {
      headers["cookie"] = cookie;
    }
    const answer = await this.balancer.send(instance, path, { ...init, headers });
    for (const line of answer.headers.getSetCookie()) {
      this.store(line, path.split("?")[0] ?? path);
    }
    if ((answer.headers.get("content-type") ?? "").startsWith("text/html")) {
      this.csrfToken = CSRF_INPUT.exec(answer.body)?.[1] ?? this.csrfToken;
    }
    return answer;
  }

  private cookiesFor(path: string): string {
    const matches = (cookiePath: string): boolean =>
      path === cookiePath || (path.startsWith(cookiePath) && (cookiePath.endsWith("/") || path[cookiePath.length] === "/"));
    return this.jar
      .filter((one) => matches(one.path))
      .sort((a, b) => b.path.length - a.path.length)
      .map((one) => `${one.name}=${one.value}`)
      .join("; ");
  }

  private store(line: string, requestPath: string): void {
    const [pair = "", ...attributes] = line.split(";").map((part) => part.trim());
    const equals = pair.indexOf("=");
    const name = pair.slice(0, equals);
    const value = pair.slice(equals + 1);
    let path = requestPath.slice(0, Math.max(1, requestPath.lastIndexOf("/")));
    let expired = value === "";
    for (const attribute of attributes) {
      const [key = "", ...rest] = attribute.split("=");
      const argument = rest.join("=");
      if (key.toLowerCase() === "path" && argument.startsWith("/")) {
        path = argument;
      } else if (key.toLowerCase() === "max-age" && Number(argument) <= 0) {
        expired = true;
      } else if (key.toLowerCase() === "expires" && Date.parse(argument) <= Date.now()) {
        expired = true;
      }
    }
    const index = this.jar.findIndex((one) => one.name === name && one.path === path);
    if (index >= 0) {
      this.jar.splice(index, 1);
    }
    if (!expired) {
      this.jar.push({ name, value, path });
    }
  }
}
