import { describe } from "node:test";
import { badInputSuite } from "../support/bad-input-suite.ts";
import { CODE_STEP, FORM, JSON_TYPE, PREAUTH, bogusCookie, brokenCookie, fieldCases, hugeCookie, liveCode, withLivePreauth } from "../support/bad-input-cases.ts";
import type { BadRequest, Resolved } from "../support/bad-input-cases.ts";

/** A bad pre-auth cookie, or a typo in the code, on either code step (form and JSON): [5121], never a login. */
function preauthCookieFaults(): BadRequest[] {
  return [
    { url: "/login/mfa", contentType: FORM, right: "code=123456", typo: "code=12%0D%0A345" },
    { url: "/api/v1/login/mfa", contentType: JSON_TYPE, right: '{"code":"123456"}', typo: '{"code":"12\\r\\n345"}' },
  ].flatMap(({ url, contentType, right, typo: typoPayload }) => {
    const code = (cookie: Resolved<string> | undefined, name: string): BadRequest => ({ name, method: "POST", url, cookie, contentType, payload: right, status: 401, code: "5121" });
    // A line break inside a code that is not 6 digits is a typo: refused, and not counted as a guess.
    const typo: BadRequest = { name: "CR/LF inside a 5-digit code", method: "POST", url, cookie: withLivePreauth, contentType, payload: typoPayload, status: 401, code: "5121" };
    return [code(bogusCookie(PREAUTH), "a bogus pre-auth cookie"), code(hugeCookie(PREAUTH), "a 100 kB pre-auth cookie"), code(brokenCookie(PREAUTH), "a pre-auth cookie with broken encoding"), code(undefined, "no pre-auth cookie"), typo];
  });
}

describe("bad input to the code step (POST /login/mfa, /api/v1/login/mfa): a clear 4xx in our error shape, nothing changed, no mail", () => {
  const suite = badInputSuite();

  suite.itRefusesEvery("POST /login/mfa with the live pre-auth cookie", fieldCases("/login/mfa", ["code"], liveCode, { api: false, ...CODE_STEP }));
  suite.itRefusesEvery("POST /api/v1/login/mfa with the live pre-auth cookie", fieldCases("/api/v1/login/mfa", ["code"], liveCode, { api: true, ...CODE_STEP }));
  suite.itRefusesEvery("pre-auth cookie faults on the code step", preauthCookieFaults());
  suite.itSentNoMail();
});
