import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { badInputSuite } from "../support/bad-input-suite.ts";
import { JSON_TYPE, PASSWORD_FIELDS, credentials, fieldCases } from "../support/bad-input-cases.ts";
import type { Setup } from "../support/bad-input-cases.ts";

describe("bad input to the password step (POST /login, /api/v1/login): a clear 4xx in our error shape, nothing changed, no mail", () => {
  const suite = badInputSuite();
  const { t } = suite;

  suite.itRefusesEvery("POST /login (form)", fieldCases("/login", PASSWORD_FIELDS, credentials, { api: false }));
  suite.itRefusesEvery("POST /api/v1/login (JSON)", fieldCases("/api/v1/login", PASSWORD_FIELDS, credentials, { api: true }));
  suite.itSentNoMail();

  it("refuses the right password sent as JSON to the HTML form endpoint", async () => {
    // Its own customer, so the mail it sends while this is open cannot blur the checks around it.
    const customer = await t.addCustomer();
    const payload = JSON.stringify({ loginId: customer.loginId, password: customer.password });
    await suite.expectRefused({ name: "JSON to the form endpoint", method: "POST", url: "/login", contentType: JSON_TYPE, payload, status: 415 });
  });

  it("control: the same checks see a change when the right password arrives in a proper envelope", async () => {
    const earlier = await suite.snapshot();
    const payload = (setup: Setup): string => JSON.stringify(credentials(setup));
    const response = await suite.send({ name: "control", method: "POST", url: "/api/v1/login", contentType: JSON_TYPE, payload, status: 200 });
    assert.equal(response.statusCode, 200);
    assert.notDeepEqual(await suite.snapshot(), earlier, "a new challenge and outbox row");
    await t.codeFor(suite.setup().target.email);
  });
});
