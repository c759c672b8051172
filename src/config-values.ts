import { isIP } from "node:net";

/** Parsers of configuration values that are more than a number or a URL (config.ts validates with them). */

/** `https://host[:port]` with nothing after it (a trailing slash is fine); zod runs this even after its URL check failed. */
export function isOrigin(value: string): boolean {
  if (!URL.canParse(value)) {
    return false;
  }
  const url = new URL(value);
  return url.href === `${url.origin}/`;
}

/** `https://app.example,android:apk-key-hash:…` as a list; null when an entry is neither an origin nor an Android app's. */
export function parseOriginList(value: string): string[] | null {
  const entries = value.split(",").map((entry) => entry.trim()).filter((entry) => entry !== "");
  const valid = entries.every((entry) => /^android:apk-key-hash:[A-Za-z0-9_-]{43}$/u.test(entry) || (/^https?:\/\//u.test(entry) && isOrigin(entry)));
  return valid ? entries.map((entry) => (entry.startsWith("android:") ? entry : new URL(entry).origin)) : null;
}

/** `10.0.0.5:3001`, `localhost:3001` or `[::1]:3001`; null when it is none of them. */
export function parseListen(value: string): { host: string; port: number } | null {
  const at = value.lastIndexOf(":");
  const host = value.slice(0, at);
  const port = Number(value.slice(at + 1));
  if (!Number.isInteger(port) || port > 65535) {
    return null;
  }
  if (host.startsWith("[")) {
    const inner = host.slice(1, -1);
    return isIP(inner) === 6 ? { host: inner, port } : null;
  }
  return { host, port };
}

/** `true`, `false`, a hop count (`1`), or proxy addresses and CIDRs (`10.0.0.0/8,127.0.0.1`), as fastify's trustProxy takes them. */
export function parseTrustProxy(value: string): boolean | number | string[] {
  if (value === "true" || value === "false") {
    return value === "true";
  }
  if (/^[0-9]{1,2}$/.test(value)) {
    return Number(value);
  }
  return value.split(",").map((part) => part.trim());
}

export function isTrustProxy(value: string): boolean {
  const parsed = parseTrustProxy(value);
  if (!Array.isArray(parsed)) {
    return true;
  }
  return parsed.every((part) => {
    const [address = "", prefix, ...rest] = part.split("/");
    const version = isIP(address);
    if (version === 0 || rest.length > 0) {
      return false;
    }
    return prefix === undefined || (/^[0-9]{1,3}$/.test(prefix) && Number(prefix) <= (version === 4 ? 32 : 128));
  });
}
