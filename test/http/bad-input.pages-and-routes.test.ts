import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { connect } from "node:net";
import type { AddressInfo } from "node:net";
import { badInputSuite } from "../support/bad-input-suite.ts";
import { JSON_TYPE, PREAUTH, SESSION, bogusCookie, brokenCookie, hugeCookie, pageCase } from "../support/bad-input-cases.ts";

describe("bad input to pages, the session check, unknown routes and the HTTP parser: a clear 4xx in our error shape, nothing changed, no mail", () => {
  const suite = badInputSuite();
  const { t } = suite;

  suite.itRefusesEvery("GET pages and the session check", [
    pageCase("garbage in the query string", "/login?lang=%ZZ&lang=%FF%FE&lang[]=x&%3C=%3E", undefined, 200, null),
    // Issue 17 item 13: a control character in any query parameter, name or value, is refused.
    pageCase("control characters in the query string", "/login?lang=%ZZ&%00=%0D%0A", undefined, 400, "4000"),
    pageCase("a bogus pre-auth cookie", "/login/mfa", bogusCookie(PREAUTH), 303, null),
    pageCase("a 100 kB pre-auth cookie", "/login/mfa", hugeCookie(PREAUTH), 303, null),
    pageCase("a pre-auth cookie with broken encoding", "/login/mfa", brokenCookie(PREAUTH), 303, null),
    pageCase("a bogus session cookie", "/", bogusCookie(SESSION), 303, null),
    pageCase("a 100 kB session cookie", "/", hugeCookie(SESSION), 303, null),
    pageCase("a session cookie with broken encoding", "/?lang=%ZZ", brokenCookie(SESSION), 303, null),
    pageCase("a bogus session cookie", "/api/v1/session", bogusCookie(SESSION), 401, "4010"),
    pageCase("a 100 kB session cookie", "/api/v1/session", hugeCookie(SESSION), 401, "4010"),
    pageCase("a session cookie with broken encoding", "/api/v1/session", brokenCookie(SESSION), 401, "4010"),
  ]);
  suite.itRefusesEvery("unknown routes and undecodable URLs", [
    pageCase("unknown page", "/nope", undefined, 404, "4040"),
    pageCase("unknown API route", "/api/v1/nope", undefined, 404, "4040"),
    pageCase("GET on a POST-only API route", "/api/v1/login", undefined, 404, "4040"),
    { name: "PUT on the login API", method: "PUT", url: "/api/v1/login", contentType: JSON_TYPE, payload: "{}", status: 404, code: "4040" },
    { name: "DELETE on the login page", method: "DELETE", url: "/login", status: 404, code: "4040" },
    { name: "POST on the session check", method: "POST", url: "/api/v1/session", contentType: JSON_TYPE, payload: "{}", status: 404, code: "4040" },
    pageCase("undecodable path (%ZZ)", "/login/%ZZ", undefined, 400, "4000"),
    pageCase("undecodable API path (%ZZ)", "/api/v1/%ZZ", undefined, 400, "4000"),
    pageCase("undecodable API path (%FF%FE)", "/api/v1/login%FF%FE", undefined, 400, "4000"),
    // Issue 17 item 13: refused as a control character before the route is looked for.
    pageCase("NUL in an API path", "/api/v1/login%00", undefined, 400, "4000"),
  ]);

  it("answers requests Node's HTTP parser refuses (16 KiB+ headers, NUL in a header) in our shape", async () => {
    await t.service.app.listen({ host: "127.0.0.1", port: 0 });
    const { port } = t.service.app.server.address() as AddressInfo;
    const raw = (request: string): Promise<string> =>
      new Promise((resolve, reject) => {
        const chunks: Buffer[] = [];
        const socket = connect(port, "127.0.0.1", () => socket.end(request));
        socket.on("data", (chunk: Buffer) => chunks.push(chunk));
        socket.on("error", reject);
        socket.on("close", () => resolve(Buffer.concat(chunks).toString("utf8")));
      });
    const earlier = await suite.snapshot();
    const cases: Array<[string, string, number]> = [
      ["a 20 kB cookie", `POST /api/v1/login/mfa HTTP/1.1\r\nHost: x\r\nCookie: ${PREAUTH}=${"c".repeat(20 * 1024)}\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}`, 431],
      ["NUL in a header", "GET /api/v1/session HTTP/1.1\r\nHost: x\r\nX-Bad: a\u0000b\r\n\r\n", 400],
      ["a broken request line", "GARBAGE\r\n\r\n", 400],
    ];
    for (const [name, request, status] of cases) {
      const response = await raw(request);
      const [head = "", body = ""] = response.split("\r\n\r\n");
      assert.match(head, new RegExp(`^HTTP/1\\.1 ${status} `), name);
      assert.deepEqual(Object.keys(JSON.parse(body) as object), ["error"], `${name}: our shape`);
      assert.equal((JSON.parse(body) as { error: { code: string } }).error.code, "4000", name);
    }
    assert.deepEqual(await suite.snapshot(), earlier);
  });

  suite.itSentNoMail();
});
