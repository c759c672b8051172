import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { connect } from "node:net";
import { gzipSync } from "node:zlib";
import type { AddressInfo } from "node:net";
import type { LightMyRequestResponse } from "fastify";
import { startTestService } from "../support/test-service.ts";
import { writtenState } from "../support/written-state.ts";
import type { WrittenState } from "../support/written-state.ts";
import type { TestCustomer, TestService } from "../support/test-service.ts";

/**
 * The issue: "Bad input anywhere (missing fields, wrong types, over-long values,
 * broken encodings) gets a clear 4xx and changes nothing; no 500."
 * Every case runs against a customer with a live code, a customer with a live
 * session and a customer whose right password rides in each malformed envelope,
 * so a hole shows up as a new challenge, session, login or mail.
 * Every request comes from a browser that loaded /login (its CSRF cookie), and
 * every HTML POST carries that page's valid CSRF token, so the cases test their
 * own fault, not the missing token (csrf.login-csrf.test.ts tests that).
 */

const PREAUTH = "__Host-okb_preauth";
const SESSION = "__Host-okb_session";
const CSRF = "__Host-okb_csrf";
const FORM = "application/x-www-form-urlencoded";
const JSON_TYPE = "application/json";
const TEN_KB = "x".repeat(10 * 1024);
const OVER_BODY_LIMIT = "y".repeat(17 * 1024);

/** The state the cases run against; cookies and bodies are resolved when a case runs. */
interface Setup {
  target: TestCustomer;
  livePreauth: string;
  /** The code mailed for `livePreauth`: a hole in the code step would log in with it. */
  liveCode: string;
  liveSession: string;
  /** The CSRF cookie and a valid token for it, from GET /login. */
  csrfCookie: string;
  csrfToken: string;
}

type Resolved<T> = T | ((setup: Setup) => T);

interface BadRequest {
  name: string;
  method?: "GET" | "POST" | "PUT" | "DELETE";
  url: string;
  /** Appended to the URL after "?". */
  query?: Resolved<string>;
  contentType?: string;
  headers?: Record<string, string>;
  payload?: Resolved<string | Buffer>;
  cookie?: Resolved<string>;
  status: number;
  /** The error code shown; "4000" unless said otherwise. Null for a redirect or a plain page. */
  code?: string | null;
}

type Fields = Record<string, unknown>;
type Body = (setup: Setup) => Fields;

const credentials: Body = ({ target }) => ({ loginId: target.loginId, password: target.password });
const liveCode: Body = (setup) => ({ code: setup.liveCode });
const withLivePreauth = (setup: Setup): string => `${PREAUTH}=${setup.livePreauth}`;
const withLiveSession = (setup: Setup): string => `${SESSION}=${setup.liveSession}`;
const PASSWORD_FIELDS = ["loginId", "password"];
const CODE_STEP = {
  cookie: withLivePreauth,
  // Seed Q4: a pasted code may carry line breaks, so the right code with them is a login, not bad input.
  allowedControls: ["CR/LF", "LF"],
};

function resolve<T>(value: Resolved<T>, setup: Setup): T {
  return typeof value === "function" ? (value as (setup: Setup) => T)(setup) : value;
}

function formOf(fields: Fields): string {
  return Object.entries(fields)
    .map(([name, value]) => `${name}=${encodeURIComponent(String(value))}`)
    .join("&");
}

/** `fields` as a form or JSON body, with invalid UTF-8 bytes (a, FF, FE, truncated C3) as `field`'s value. */
function withBrokenUtf8(fields: Fields, field: string, options: { json: boolean }): Buffer {
  const marker = "BROKEN_UTF8_MARKER";
  const text = options.json ? JSON.stringify({ ...fields, [field]: marker }) : formOf({ ...fields, [field]: marker });
  const [head = "", tail = ""] = text.split(marker);
  return Buffer.concat([Buffer.from(head), Buffer.from([0x61, 0xff, 0xfe, 0xc3]), Buffer.from(tail)]);
}

/** Envelope faults every POST refuses before its handler runs. */
function envelopeCases(url: string, cookie?: Resolved<string>): BadRequest[] {
  const post = { method: "POST" as const, url, cookie };
  return [
    { ...post, name: "invalid JSON (truncated)", contentType: JSON_TYPE, payload: '{"loginId":', status: 400 },
    { ...post, name: "invalid JSON (single quotes)", contentType: JSON_TYPE, payload: "{'code':'1'}", status: 400 },
    { ...post, name: "empty JSON body", contentType: JSON_TYPE, payload: "", status: 400 },
    { ...post, name: "JSON with __proto__", contentType: JSON_TYPE, payload: '{"__proto__":{"admin":true}}', status: 400 },
    { ...post, name: "JSON with constructor.prototype", contentType: JSON_TYPE, payload: '{"constructor":{"prototype":{"admin":true}}}', status: 400 },
    { ...post, name: "JSON in UTF-16", contentType: `${JSON_TYPE}; charset=utf-16`, payload: Buffer.from('{"code":"1"}', "utf16le"), status: 400 },
    { ...post, name: "multipart/form-data", contentType: "multipart/form-data; boundary=b", payload: '--b\r\nContent-Disposition: form-data; name="code"\r\n\r\n1\r\n--b--\r\n', status: 415 },
    { ...post, name: "application/xml", contentType: "application/xml", payload: "<code>1</code>", status: 415 },
    { ...post, name: "a body without a content type", payload: "code=1", status: 415 },
    { ...post, name: "gzipped JSON (no decompression here)", contentType: JSON_TYPE, headers: { "content-encoding": "gzip" }, payload: gzipSync('{"code":"1"}'), status: 400 },
    { ...post, name: "content-length larger than the body", contentType: JSON_TYPE, headers: { "content-length": "100" }, payload: "{}", status: 400 },
    { ...post, name: "JSON body over the 16 KiB limit", contentType: JSON_TYPE, payload: JSON.stringify({ pad: OVER_BODY_LIMIT }), status: 413 },
    { ...post, name: "form body over the 16 KiB limit", contentType: FORM, payload: `pad=${OVER_BODY_LIMIT}`, status: 413 },
  ];
}

interface FieldCaseOptions {
  /** The JSON API (takes only JSON) rather than an HTML form endpoint (takes only forms). */
  api: boolean;
  cookie?: Resolved<string>;
  /** Control characters the field accepts (skipped here). */
  allowedControls?: string[];
}

/** Field faults of a login step; `valid` fills the fields not under test with right values. */
function fieldCases(url: string, fieldNames: string[], valid: Body, options: FieldCaseOptions): BadRequest[] {
  const { api, cookie } = options;
  const post = { method: "POST" as const, url, cookie };
  // Each endpoint takes one media type: the other one is refused with 415 once it parsed.
  const wrongType = { json: api ? 400 : 415, form: api ? 415 : 400 };
  const json = (name: string, body: (setup: Setup) => unknown, status = wrongType.json, code?: string): BadRequest =>
    ({ ...post, name: `JSON: ${name}`, contentType: JSON_TYPE, payload: (setup) => JSON.stringify(body(setup)), status, code });
  const form = (name: string, body: (setup: Setup) => string, status = wrongType.form, code?: string): BadRequest =>
    ({ ...post, name: `form: ${name}`, contentType: FORM, payload: body, status, code });
  const cases: BadRequest[] = [
    { ...post, name: "empty body, no content type", status: 400 },
    { ...post, name: "empty form body", contentType: FORM, payload: "", status: wrongType.form },
    { ...post, name: "JSON top-level null", contentType: JSON_TYPE, payload: "null", status: wrongType.json },
    { ...post, name: "JSON top-level number", contentType: JSON_TYPE, payload: "42", status: wrongType.json },
    { ...post, name: "JSON top-level string", contentType: JSON_TYPE, payload: '"123456"', status: wrongType.json },
    { ...post, name: "JSON top-level array", contentType: JSON_TYPE, payload: "[]", status: wrongType.json },
    { ...post, name: "JSON nested 8000 deep", contentType: JSON_TYPE, payload: "[".repeat(8000) + "]".repeat(8000), status: wrongType.json },
    { ...post, name: "the right values in the query string, no body", query: (setup) => formOf(valid(setup)), status: 400 },
    json("empty object", () => ({})),
    ...envelopeCases(url, cookie),
  ];
  if (api) {
    cases.push(form("a form to the JSON API (right values)", (setup) => formOf(valid(setup))));
    cases.push({ ...post, name: "text/plain to the JSON API (right values as JSON)", contentType: "text/plain", payload: (setup) => JSON.stringify(valid(setup)), status: 415 });
  } else {
    cases.push({ ...post, name: "text/plain (right values as a form)", contentType: "text/plain", payload: (setup) => formOf(valid(setup)), status: 415 });
  }
  for (const field of fieldNames) {
    const without = (setup: Setup): Fields => Object.fromEntries(Object.entries(valid(setup)).filter(([name]) => name !== field));
    const replaced = (value: unknown) => (setup: Setup): Fields => ({ ...valid(setup), [field]: value });
    const appended = (suffix: string) => (setup: Setup): Fields => ({ ...valid(setup), [field]: `${String(valid(setup)[field])}${suffix}` });
    cases.push(json(`missing ${field}`, without), form(`missing ${field}`, (setup) => formOf(without(setup))));
    cases.push(json(`empty ${field}`, replaced("")), form(`empty ${field}`, (setup) => formOf(replaced("")(setup))));
    for (const [kind, value] of [["number", 123456], ["array", ["x"]], ["object", { value: "x" }], ["null", null], ["boolean", true]] as const) {
      cases.push(json(`${field} as ${kind}`, replaced(value)));
    }
    cases.push(json(`${field} as an array holding the right value`, (setup) => ({ ...valid(setup), [field]: [valid(setup)[field]] })));
    cases.push(form(`${field} repeated (${field}=right&${field}=b)`, (setup) => `${formOf(valid(setup))}&${field}=b`));
    cases.push(form(`${field} repeated with the right value twice`, (setup) => `${formOf(valid(setup))}&${formOf({ [field]: valid(setup)[field] })}`));
    cases.push(json(`${field} of 10 kB`, replaced(TEN_KB)), form(`${field} of 10 kB`, (setup) => formOf(replaced(TEN_KB)(setup))));
    cases.push(json(`${field} with a lone surrogate`, appended("\uD800")));
    cases.push(json(`${field} with U+FFFD`, appended("\uFFFD")));
    for (const [kind, suffix] of [["NUL", "\u0000"], ["CR/LF", "\r\n"], ["LF", "\n"], ["ESC", "\u001B"], ["DEL", "\u007F"]] as const) {
      if (options.allowedControls?.includes(kind) === true) {
        continue;
      }
      cases.push(json(`${kind} after the right ${field}`, appended(suffix)));
      cases.push(form(`${kind} after the right ${field}`, (setup) => formOf(appended(suffix)(setup))));
    }
    for (const asJson of [true, false]) {
      cases.push({
        ...post,
        name: `${asJson ? "JSON" : "form"}: invalid UTF-8 bytes in ${field}`,
        contentType: asJson ? JSON_TYPE : FORM,
        payload: (setup) => withBrokenUtf8(valid(setup), field, { json: asJson }),
        status: asJson ? wrongType.json : wrongType.form,
      });
    }
    if (!api) {
      for (const escape of ["%ZZ", "%FF%FE"]) {
        cases.push(form(`${field} as ${escape} (undecodable percent-encoding)`, (setup) => `${formOf(without(setup))}&${field}=${escape}`));
      }
    }
  }
  return cases;
}

describe("bad input anywhere: a clear 4xx in our error shape, nothing changed, no mail", () => {
  let t: TestService;
  let setup: Setup;
  let baselineMails = 0;
  let ipCounter = 0;

  before(async () => {
    t = await startTestService();
    // A customer with a live code in one browser, one with a live session in another.
    const pending = await t.addCustomer();
    const holder = t.client();
    await holder.post("/login", { form: { loginId: pending.loginId, password: pending.password } });
    const code = await t.codeFor(pending.email);
    const loggedIn = await t.addCustomer();
    const browser = t.client();
    await browser.post("/login", { form: { loginId: loggedIn.loginId, password: loggedIn.password } });
    await browser.post("/login/mfa", { form: { code: await t.codeFor(loggedIn.email) } });
    const livePreauth = holder.cookies.get(PREAUTH);
    const liveSession = browser.cookies.get(SESSION);
    assert.ok(livePreauth !== undefined && liveSession !== undefined, "setup: a live code and a live session");
    const page = t.client();
    await page.get("/login");
    const csrfCookie = page.cookies.get(CSRF);
    assert.ok(csrfCookie !== undefined && page.csrfToken !== null, "setup: a CSRF cookie and token");
    setup = { target: await t.addCustomer(), livePreauth, liveCode: code, liveSession, csrfCookie, csrfToken: page.csrfToken };
    baselineMails = t.smtp.mails.length;
  });
  after(async () => {
    await t.close();
  });

  /** Every row a login can write; audit events and rate-limit counters may move (a refused request is audited). */
  async function snapshot(): Promise<Pick<WrittenState, "challenges" | "sessions" | "history" | "outbox" | "mails">> {
    const { challenges, sessions, history, outbox, mails } = await writtenState(t);
    return { challenges, sessions, history, outbox, mails };
  }

  async function send(c: BadRequest): Promise<LightMyRequestResponse> {
    ipCounter += 1;
    const headers: Record<string, string> = { "user-agent": "bad-input-test", ...c.headers };
    if (c.contentType !== undefined) {
      headers["content-type"] = c.contentType;
    }
    const csrfCookie = `${CSRF}=${setup.csrfCookie}`;
    headers["cookie"] = c.cookie === undefined ? csrfCookie : `${resolve(c.cookie, setup)}; ${csrfCookie}`;
    if ((c.method ?? "GET") !== "GET" && !c.url.startsWith("/api/")) {
      headers["x-csrf-token"] = setup.csrfToken;
    }
    return t.service.app.inject({
      method: c.method ?? "GET",
      url: c.query === undefined ? c.url : `${c.url}?${resolve(c.query, setup)}`,
      headers,
      payload: c.payload === undefined ? undefined : resolve(c.payload, setup),
      // One address per request, so a future per-IP rate limit cannot turn a case into 429.
      remoteAddress: `198.51.${Math.floor(ipCounter / 250) % 250}.${(ipCounter % 250) + 1}`,
    });
  }

  /** Sends `c` and checks the status, the error shape, the cookies set and that nothing changed. */
  async function expectRefused(c: BadRequest): Promise<void> {
    const earlier = await snapshot();
    const response = await send(c);
    const where = `${c.method ?? "GET"} ${c.url} ${c.name}`;
    assert.equal(response.statusCode, c.status, `${where}: status (body: ${response.body.slice(0, 200)})`);
    const code = c.code === undefined ? "4000" : c.code;
    if (code !== null) {
      if (c.url.startsWith("/api/")) {
        assert.match(String(response.headers["content-type"]), /^application\/json/, `${where}: JSON`);
        const body = JSON.parse(response.body) as { error?: { code?: unknown; message?: unknown } };
        assert.deepEqual(Object.keys(body), ["error"], `${where}: only "error" at the top`);
        assert.equal(body.error?.code, code, `${where}: error code`);
        assert.ok(typeof body.error?.message === "string" && body.error.message.length > 0, `${where}: a message`);
      } else {
        assert.match(String(response.headers["content-type"]), /^text\/html/, `${where}: HTML`);
        assert.ok(response.body.includes(`[${code}] `), `${where}: shows [${code}]`);
      }
    }
    for (const cookie of response.cookies) {
      assert.ok(cookie.value === "" || cookie.maxAge === 0, `${where}: sets no live ${cookie.name}`);
    }
    assert.deepEqual(await snapshot(), earlier, `${where}: nothing changed`);
  }

  const pageCase = (name: string, url: string, cookie: Resolved<string> | undefined, status: number, code: string | null): BadRequest => ({ name, url, cookie, status, code });
  const hugeCookie = (name: string) => (): string => `${name}=${"h".repeat(100 * 1024)}`;
  const bogusCookie = (name: string) => (): string => `${name}=bogus-${"A".repeat(43)}`;
  const brokenCookie = (name: string) => (): string => `${name}=%ZZ%FF%FE; ; =; junk`;

  const groups: Array<[string, BadRequest[]]> = [
    ["POST /login (form)", fieldCases("/login", PASSWORD_FIELDS, credentials, { api: false })],
    ["POST /api/v1/login (JSON)", fieldCases("/api/v1/login", PASSWORD_FIELDS, credentials, { api: true })],
    ["POST /login/mfa with the live pre-auth cookie", fieldCases("/login/mfa", ["code"], liveCode, { api: false, ...CODE_STEP })],
    ["POST /api/v1/login/mfa with the live pre-auth cookie", fieldCases("/api/v1/login/mfa", ["code"], liveCode, { api: true, ...CODE_STEP })],
    ["POST /logout with the live session", envelopeCases("/logout", withLiveSession)],
    [
      "POST /api/v1/logout with the live session",
      [
        ...envelopeCases("/api/v1/logout", withLiveSession),
        { name: "a form to the JSON API", method: "POST", url: "/api/v1/logout", cookie: withLiveSession, contentType: FORM, payload: "all=1", status: 415 },
        { name: "text/plain to the JSON API", method: "POST", url: "/api/v1/logout", cookie: withLiveSession, contentType: "text/plain", payload: "{}", status: 415 },
      ],
    ],
    [
      "pre-auth cookie faults on the code step",
      [
        ...[
          { url: "/login/mfa", contentType: FORM, right: "code=123456", typo: "code=12%0D%0A345" },
          { url: "/api/v1/login/mfa", contentType: JSON_TYPE, right: '{"code":"123456"}', typo: '{"code":"12\\r\\n345"}' },
        ].flatMap(({ url, contentType, right, typo: typoPayload }) => {
          const code = (cookie: Resolved<string> | undefined, name: string): BadRequest => ({ name, method: "POST", url, cookie, contentType, payload: right, status: 401, code: "5121" });
          // A line break inside a code that is not 6 digits is a typo: refused, and not counted as a guess.
          const typo: BadRequest = { name: "CR/LF inside a 5-digit code", method: "POST", url, cookie: withLivePreauth, contentType, payload: typoPayload, status: 401, code: "5121" };
          return [code(bogusCookie(PREAUTH), "a bogus pre-auth cookie"), code(hugeCookie(PREAUTH), "a 100 kB pre-auth cookie"), code(brokenCookie(PREAUTH), "a pre-auth cookie with broken encoding"), code(undefined, "no pre-auth cookie"), typo];
        }),
      ],
    ],
    [
      "GET pages and the session check",
      [
        pageCase("garbage in the query string", "/login?lang=%ZZ&lang=%FF%FE&lang[]=x&%00=%0D%0A", undefined, 200, null),
        pageCase("a bogus pre-auth cookie", "/login/mfa", bogusCookie(PREAUTH), 303, null),
        pageCase("a 100 kB pre-auth cookie", "/login/mfa", hugeCookie(PREAUTH), 303, null),
        pageCase("a pre-auth cookie with broken encoding", "/login/mfa", brokenCookie(PREAUTH), 303, null),
        pageCase("a bogus session cookie", "/", bogusCookie(SESSION), 303, null),
        pageCase("a 100 kB session cookie", "/", hugeCookie(SESSION), 303, null),
        pageCase("a session cookie with broken encoding", "/?lang=%ZZ", brokenCookie(SESSION), 303, null),
        pageCase("a bogus session cookie", "/api/v1/session", bogusCookie(SESSION), 401, "4010"),
        pageCase("a 100 kB session cookie", "/api/v1/session", hugeCookie(SESSION), 401, "4010"),
        pageCase("a session cookie with broken encoding", "/api/v1/session", brokenCookie(SESSION), 401, "4010"),
      ],
    ],
    [
      "unknown routes and undecodable URLs",
      [
        pageCase("unknown page", "/nope", undefined, 404, "4040"),
        pageCase("unknown API route", "/api/v1/nope", undefined, 404, "4040"),
        pageCase("GET on a POST-only API route", "/api/v1/login", undefined, 404, "4040"),
        { name: "PUT on the login API", method: "PUT", url: "/api/v1/login", contentType: JSON_TYPE, payload: "{}", status: 404, code: "4040" },
        { name: "DELETE on the login page", method: "DELETE", url: "/login", status: 404, code: "4040" },
        { name: "POST on the session check", method: "POST", url: "/api/v1/session", contentType: JSON_TYPE, payload: "{}", status: 404, code: "4040" },
        pageCase("undecodable path (%ZZ)", "/login/%ZZ", undefined, 400, "4000"),
        pageCase("undecodable API path (%ZZ)", "/api/v1/%ZZ", undefined, 400, "4000"),
        pageCase("undecodable API path (%FF%FE)", "/api/v1/login%FF%FE", undefined, 400, "4000"),
        pageCase("NUL in an API path", "/api/v1/login%00", undefined, 404, "4040"),
      ],
    ],
  ];

  for (const [group, cases] of groups) {
    it(`${group}: ${cases.length} malformed requests`, async () => {
      // Every case runs, so one run lists every hole, not just the first.
      const failures: string[] = [];
      for (const c of cases) {
        try {
          await expectRefused(c);
        } catch (error) {
          failures.push(error instanceof Error ? (error.message.split("\n")[0] ?? error.message) : String(error));
        }
      }
      assert.deepEqual(failures, []);
    });
  }

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
    const earlier = await snapshot();
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
    assert.deepEqual(await snapshot(), earlier);
  });

  it("delivered no mail beyond the setup's (after the outbox worker had time to run)", async () => {
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(t.smtp.mails.length, baselineMails);
  });

  it(
    "refuses the right password sent as JSON to the HTML form endpoint",
    async () => {
      // Its own customer, so the mail it sends while this is open cannot blur the checks around it.
      const customer = await t.addCustomer();
      const payload = JSON.stringify({ loginId: customer.loginId, password: customer.password });
      await expectRefused({ name: "JSON to the form endpoint", method: "POST", url: "/login", contentType: JSON_TYPE, payload, status: 415 });
    },
  );

  it("control: the same checks see a change when the right password arrives in a proper envelope", async () => {
    const earlier = await snapshot();
    const payload = (setup: Setup): string => JSON.stringify(credentials(setup));
    const response = await send({ name: "control", method: "POST", url: "/api/v1/login", contentType: JSON_TYPE, payload, status: 200 });
    assert.equal(response.statusCode, 200);
    assert.notDeepEqual(await snapshot(), earlier, "a new challenge and outbox row");
    await t.codeFor(setup.target.email);
  });
});
