import type { ServerOptions } from "node:http";
import { BlockList, isIP } from "node:net";
import type { Socket } from "node:net";
import type { FastifyInstance } from "fastify";
import type { Config } from "../../config.ts";

// Node checks the request and header timeouts only at this interval (its default, 30 s,
// would let a 20 s request timeout run to 50 s). A pass over the open connections is cheap.
const TIMEOUT_CHECK_INTERVAL_MS = 1000;

/** The part of fastify's options (and, under `http`, Node's server options) set here. */
export interface ServerLimitOptions {
  requestTimeout: number;
  keepAliveTimeout: number;
  http: ServerOptions;
}

/**
 * Fastify's defaults let a client hold a connection for ever: no request timeout,
 * so a body sent one byte every ten seconds never ends, and a thousand of them use up
 * the file descriptors (security review: /healthz stopped answering). Here:
 * - the whole request, headers and body, must arrive within REQUEST_TIMEOUT_SECONDS,
 *   and its headers within HEADERS_TIMEOUT_SECONDS, else 408 and the connection closes;
 * - an idle keep-alive connection closes after KEEP_ALIVE_TIMEOUT_SECONDS.
 * `connectionTimeout` (socket inactivity) stays off: a login queued behind the hash
 * gate is slow through no fault of its client, and the request timeout covers clients.
 */
export function serverLimitOptions(limits: Config["http"]): ServerLimitOptions {
  const requestTimeoutMs = limits.requestTimeoutSeconds * 1000;
  return {
    requestTimeout: requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutSeconds * 1000,
    http: {
      // Headers are part of the request: no longer than the whole of it (config.ts; Node's own 60 s would be).
      // An idle keep-alive connection is not on this clock (Node ≥ 18): it starts at a request's first byte.
      headersTimeout: limits.headersTimeoutSeconds * 1000,
      connectionsCheckingInterval: TIMEOUT_CHECK_INTERVAL_MS,
    },
  };
}

/**
 * At most MAX_CONNECTIONS sockets at once; Node closes any connection beyond it as
 * it arrives. Without a cap, slow clients take every file descriptor and the service
 * can no longer open a database, Redis or SMTP connection, nor accept anyone;
 * with it, what is left over keeps the requests in hand working, and the request
 * timeout frees the slots within seconds.
 *
 * And at most MAX_CONNECTIONS_PER_ADDRESS from one client address (issue 17 item 5): an
 * attacker who reopens every slow connection as it is cut would otherwise keep the whole
 * cap, and /healthz and everyone else's logins with it. A socket beyond the address's share
 * is closed as it arrives. A trusted proxy's sockets (TRUST_PROXY) carry many customers, so
 * they are not counted per address: the proxy limits per client then (docs/deploy.md).
 * `perAddress: "off"`: the console's own listener (CONSOLE_LISTEN), inside the brokerage, where a
 * whole call center may reach it from one office address.
 */
export function capConnections(app: FastifyInstance, config: Pick<Config, "http" | "trustProxy">, options: { perAddress?: "limited" | "off" } = {}): void {
  app.server.maxConnections = config.http.maxConnections;
  if (options.perAddress === "off") {
    return;
  }
  const perAddress = config.http.maxConnectionsPerAddress;
  const isProxy = trustedProxyTest(config.trustProxy);
  const open = new Map<string, number>();
  const refused = refusalLog(app, perAddress);
  // Before Node's HTTP listener: a socket closed here never gets a parser.
  app.server.prependListener("connection", (socket: Socket) => {
    const address = clientAddress(socket.remoteAddress);
    if (address === null || isProxy(address)) {
      return;
    }
    const key = connectionCountKey(address);
    const count = open.get(key) ?? 0;
    if (count >= perAddress) {
      socket.destroy();
      refused.note(key);
      return;
    }
    open.set(key, count + 1);
    socket.once("close", () => {
      const left = (open.get(key) ?? 1) - 1;
      if (left <= 0) {
        open.delete(key);
      } else {
        open.set(key, left);
      }
    });
  });
}

// One warning a minute at most: an attack refuses thousands of connections, the log must not grow with them.
const REFUSAL_LOG_INTERVAL_MS = 60_000;

/** Counts refused connections and logs them once a minute at most, with the last address and the count since the last line. */
function refusalLog(app: FastifyInstance, perAddress: number): { note(address: string): void } {
  let since = 0;
  let lastLogged = 0;
  return {
    note(address: string): void {
      since += 1;
      const now = Date.now();
      if (now - lastLogged >= REFUSAL_LOG_INTERVAL_MS) {
        app.log.warn({ address, refused: since, maxConnectionsPerAddress: perAddress }, "connections refused: MAX_CONNECTIONS_PER_ADDRESS reached");
        lastLogged = now;
        since = 0;
      }
    },
  };
}

/** `::ffff:10.0.0.1` (an IPv4 client on a dual-stack listener) as `10.0.0.1`, so both count as one address. */
function clientAddress(remote: string | undefined): string | null {
  if (remote === undefined) {
    return null;
  }
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(remote);
  return mapped?.[1] ?? remote;
}

/**
 * What one client's connections are counted under: an IPv4 address as it is, an IPv6 address by its
 * /64 prefix (`2001:db8:1:2::/64`), since one subscriber is handed a whole /64 and could otherwise
 * spread an attack over as many addresses as it likes (RFC 6177, RFC 7934).
 */
export function connectionCountKey(address: string): string {
  if (!address.includes(":")) {
    return address;
  }
  const [head = "", tail = ""] = address.split("%")[0]?.split("::") ?? [];
  const headGroups = head === "" ? [] : head.split(":");
  const tailGroups = address.includes("::") ? (tail === "" ? [] : tail.split(":")) : [];
  const missing = Math.max(0, 8 - headGroups.length - tailGroups.length);
  const groups = [...headGroups, ...Array.from({ length: missing }, () => "0"), ...tailGroups];
  const prefix = groups.slice(0, 4).map((group) => (Number.parseInt(group, 16) || 0).toString(16));
  return `${prefix.join(":")}::/64`;
}

/**
 * Whether a socket comes from a proxy TRUST_PROXY names. `true` or a hop count say that
 * nothing reaches the service except through proxies (README): every socket is a proxy's.
 */
function trustedProxyTest(trust: Config["trustProxy"]): (address: string) => boolean {
  if (trust === false) {
    return () => false;
  }
  if (trust === true || typeof trust === "number") {
    return () => true;
  }
  const proxies = new BlockList();
  for (const entry of trust) {
    const [address = "", prefix] = entry.split("/");
    const type = isIP(address) === 6 ? "ipv6" : "ipv4";
    if (prefix === undefined) {
      proxies.addAddress(address, type);
    } else {
      proxies.addSubnet(address, Number(prefix), type);
    }
  }
  return (address: string): boolean => proxies.check(address, isIP(address) === 6 ? "ipv6" : "ipv4");
}
