import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { startTestService } from "../support/test-service.ts";
import type { Teardown, TestService } from "../support/test-service.ts";

const CLIENT = "198.51.100.77";

describe("TRUST_PROXY: whose address the audit log, the code mail and the rate limits see", () => {
  /** A service for this test; rate limits wide open, except where a test sets one. */
  const start = (context: Teardown, env: Record<string, string> = {}): Promise<TestService> =>
    startTestService(context, { env: { RATE_LIMIT_PASSWORD_PER_IP: "1000/60", ...env } });

  /** Logs in from `peer` with `X-Forwarded-For: forwardedFor`; returns the IP the code mail and the audit log show. */
  async function seenAddress(t: TestService, peer: string, forwardedFor: string): Promise<{ mailed: string; audited: string[] }> {
    const customer = await t.addCustomer();
    const response = await t
      .client({ ip: peer })
      .post("/login", { form: { loginId: customer.loginId, password: customer.password }, headers: { "x-forwarded-for": forwardedFor } });
    assert.equal(response.statusCode, 303);
    const mail = await t.mailTo(customer.email);
    const mailed = /IPアドレス: (\S+)/.exec(mail.text)?.[1] ?? "";
    const audited = (await t.auditEvents(customer.customer.id)).map((event) => event.ip);
    return { mailed, audited };
  }

  it("ignores X-Forwarded-For by default: anyone can send one", async (context) => {
    const t = await start(context);
    const { mailed, audited } = await seenAddress(t, "127.0.0.1", CLIENT);
    assert.equal(mailed, "127.0.0.1");
    assert.deepEqual([...new Set(audited)], ["127.0.0.1"]);
  });

  it("with TRUST_PROXY=127.0.0.1, takes the client's address from the proxy's X-Forwarded-For", async (context) => {
    const t = await start(context, { TRUST_PROXY: "127.0.0.1" });
    const { mailed, audited } = await seenAddress(t, "127.0.0.1", `10.9.9.9, ${CLIENT}`);
    assert.equal(mailed, CLIENT, "the nearest address the trusted proxy vouches for");
    assert.deepEqual([...new Set(audited)], [CLIENT]);
  });

  it("with TRUST_PROXY=127.0.0.1, ignores X-Forwarded-For from any other peer", async (context) => {
    const t = await start(context, { TRUST_PROXY: "127.0.0.1" });
    const { mailed, audited } = await seenAddress(t, "203.0.113.10", CLIENT);
    assert.equal(mailed, "203.0.113.10");
    assert.deepEqual([...new Set(audited)], ["203.0.113.10"]);
  });

  it("with a CIDR list and a hop count too", async (context) => {
    const cidr = await start(context, { TRUST_PROXY: "10.0.0.0/8, 127.0.0.0/8" });
    assert.equal((await seenAddress(cidr, "127.0.0.1", `${CLIENT}, 10.1.2.3`)).mailed, CLIENT, "both hops are trusted proxies");
    const hops = await start(context, { TRUST_PROXY: "1" });
    assert.equal((await seenAddress(hops, "203.0.113.10", `10.9.9.9, ${CLIENT}`)).mailed, CLIENT, "one hop: the last address in the header");
  });

  it("counts the per-IP rate limit on the client's address, not the proxy's", async (context) => {
    const t = await start(context, { TRUST_PROXY: "127.0.0.1", RATE_LIMIT_PASSWORD_PER_IP: "2/900" });
    const customer = await t.addCustomer();
    const attempt = async (client: string): Promise<number> =>
      (
        await t
          .client({ ip: "127.0.0.1" })
          .post("/login", { form: { loginId: customer.loginId, password: "wrong password" }, headers: { "x-forwarded-for": client } })
      ).statusCode;
    assert.equal(await attempt("198.51.100.1"), 401);
    assert.equal(await attempt("198.51.100.1"), 401);
    assert.equal(await attempt("198.51.100.1"), 429, "this client's third try");
    assert.equal(await attempt("198.51.100.2"), 401, "another client behind the same proxy is not limited");
  });
});
