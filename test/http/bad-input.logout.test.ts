import { describe } from "node:test";
import { badInputSuite } from "../support/bad-input-suite.ts";
import { FORM, envelopeCases, withLiveSession } from "../support/bad-input-cases.ts";

describe("bad input to logout (POST /logout, /api/v1/logout): a clear 4xx in our error shape, nothing changed, no mail", () => {
  const suite = badInputSuite();

  suite.itRefusesEvery("POST /logout with the live session", envelopeCases("/logout", withLiveSession));
  suite.itRefusesEvery("POST /api/v1/logout with the live session", [
    ...envelopeCases("/api/v1/logout", withLiveSession),
    { name: "a form to the JSON API", method: "POST", url: "/api/v1/logout", cookie: withLiveSession, contentType: FORM, payload: "all=1", status: 415 },
    { name: "text/plain to the JSON API", method: "POST", url: "/api/v1/logout", cookie: withLiveSession, contentType: "text/plain", payload: "{}", status: 415 },
  ]);
  suite.itSentNoMail();
});
