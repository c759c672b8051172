import { gzipSync } from "node:zlib";
import type { TestCustomer } from "./test-service.ts";

/**
 * Malformed requests for the bad-input tests (test/http/bad-input.*.test.ts), one
 * list per login step or route; bad-input-suite.ts sends them and checks the answers.
 * Cookies and bodies that need the suite's live code or session are functions of
 * its Setup, resolved when a case is sent.
 */

export const PREAUTH = "__Host-okb_preauth";
export const SESSION = "__Host-okb_session";
export const CSRF = "__Host-okb_csrf";
export const FORM = "application/x-www-form-urlencoded";
export const JSON_TYPE = "application/json";
const TEN_KB = "x".repeat(10 * 1024);
const OVER_BODY_LIMIT = "y".repeat(17 * 1024);

/** The state the cases run against; cookies and bodies are resolved when a case runs. */
export interface Setup {
  target: TestCustomer;
  livePreauth: string;
  /** The code mailed for `livePreauth`: a hole in the code step would log in with it. */
  liveCode: string;
  liveSession: string;
  /** The CSRF cookie and a valid token for it, from GET /login. */
  csrfCookie: string;
  csrfToken: string;
}

export type Resolved<T> = T | ((setup: Setup) => T);

export interface BadRequest {
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

export type Fields = Record<string, unknown>;
export type Body = (setup: Setup) => Fields;

export const credentials: Body = ({ target }) => ({ loginId: target.loginId, password: target.password });
export const liveCode: Body = (setup) => ({ code: setup.liveCode });
export const withLivePreauth = (setup: Setup): string => `${PREAUTH}=${setup.livePreauth}`;
export const withLiveSession = (setup: Setup): string => `${SESSION}=${setup.liveSession}`;
export const PASSWORD_FIELDS = ["loginId", "password"];
export const CODE_STEP = {
  cookie: withLivePreauth,
  // Seed Q4: a pasted code may carry line breaks, so the right code with them is a login, not bad input.
  allowedControls: ["CR/LF", "LF"],
};

export function resolve<T>(value: Resolved<T>, setup: Setup): T {
  return typeof value === "function" ? (value as (setup: Setup) => T)(setup) : value;
}

export function formOf(fields: Fields): string {
  return Object.entries(fields)
    .map(([name, value]) => `${name}=${encodeURIComponent(String(value))}`)
    .join("&");
}

/** `fields` as a form or JSON body, with invalid UTF-8 bytes (a, FF, FE, truncated C3) as `field`'s value. */
export function withBrokenUtf8(fields: Fields, field: string, options: { json: boolean }): Buffer {
  const marker = "BROKEN_UTF8_MARKER";
  const text = options.json ? JSON.stringify({ ...fields, [field]: marker }) : formOf({ ...fields, [field]: marker });
  const [head = "", tail = ""] = text.split(marker);
  return Buffer.concat([Buffer.from(head), Buffer.from([0x61, 0xff, 0xfe, 0xc3]), Buffer.from(tail)]);
}

/** Envelope faults every POST refuses before its handler runs. */
export function envelopeCases(url: string, cookie?: Resolved<string>): BadRequest[] {
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

export interface FieldCaseOptions {
  /** The JSON API (takes only JSON) rather than an HTML form endpoint (takes only forms). */
  api: boolean;
  cookie?: Resolved<string>;
  /** Control characters the field accepts (skipped here). */
  allowedControls?: string[];
}

/** Field faults of a login step; `valid` fills the fields not under test with right values. */
export function fieldCases(url: string, fieldNames: string[], valid: Body, options: FieldCaseOptions): BadRequest[] {
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

/** A GET of `url`, with `cookie`, answered with `status` and error `code` (null: a redirect or a plain page). */
export const pageCase = (name: string, url: string, cookie: Resolved<string> | undefined, status: number, code: string | null): BadRequest => ({ name, url, cookie, status, code });
export const hugeCookie = (name: string) => (): string => `${name}=${"h".repeat(100 * 1024)}`;
export const bogusCookie = (name: string) => (): string => `${name}=bogus-${"A".repeat(43)}`;
export const brokenCookie = (name: string) => (): string => `${name}=%ZZ%FF%FE; ; =; junk`;
