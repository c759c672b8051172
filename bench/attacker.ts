import { randomBytes, randomInt } from "node:crypto";
import { Agent, request } from "node:http";

export interface AttackResult {
  sent: number;
  /** Answered 401 [5101], as a wrong password is. */
  checked: number;
  /** 503: shed by the hash gate. */
  shed: number;
  /** 429: refused by a rate limit. */
  limited: number;
  other: number;
  /** Not sent because this many were already in flight (the generator's own limit). */
  skipped: number;
}

/**
 * Credential stuffing at a fixed rate (open loop: it does not slow down when the
 * server does): wrong passwords for random login IDs from random addresses.
 */
export function startAttack(options: { baseUrl: string; ratePerSecond: number; maxInFlight: number }): { stop(): Promise<AttackResult> } {
  const result: AttackResult = { sent: 0, checked: 0, shed: 0, limited: 0, other: 0, skipped: 0 };
  const inFlight = new Set<Promise<void>>();
  const tickMs = 10;
  const url = new URL("/api/v1/login", options.baseUrl);
  const agent = new Agent({ keepAlive: true, maxSockets: options.maxInFlight });
  const perTick = (options.ratePerSecond * tickMs) / 1000;
  let owed = 0;
  const timer = setInterval(() => {
    owed += perTick;
    for (; owed >= 1; owed -= 1) {
      if (inFlight.size >= options.maxInFlight) {
        result.skipped += 1;
        continue;
      }
      result.sent += 1;
      const sent = post(url, agent, JSON.stringify({ loginId: `u${randomBytes(5).toString("hex")}`, password: randomBytes(8).toString("hex") }), {
        "content-type": "application/json",
        "x-forwarded-for": `${randomInt(1, 224)}.${randomInt(0, 256)}.${randomInt(0, 256)}.${randomInt(1, 255)}`,
        "user-agent": "stuffer/1.0",
      })
        .then((status) => {
          if (status === 401) {
            result.checked += 1;
          } else if (status === 503) {
            result.shed += 1;
          } else if (status === 429) {
            result.limited += 1;
          } else {
            result.other += 1;
          }
        })
        .catch(() => {
          result.other += 1;
        })
        .finally(() => inFlight.delete(sent));
      inFlight.add(sent);
    }
  }, tickMs);
  return {
    async stop(): Promise<AttackResult> {
      clearInterval(timer);
      await Promise.all([...inFlight]);
      agent.destroy();
      return result;
    },
  };
}

/** POSTs a body and reads the answer to its end; resolves with the status. */
function post(url: URL, agent: Agent, body: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const outgoing = request(
      { agent, host: url.hostname, port: url.port, method: "POST", path: url.pathname, headers: { ...headers, "content-length": String(Buffer.byteLength(body)) } },
      (response) => {
        response.resume();
        response.on("end", () => resolve(response.statusCode ?? 0));
        response.on("error", reject);
      },
    );
    outgoing.on("error", reject);
    outgoing.end(body);
  });
}
