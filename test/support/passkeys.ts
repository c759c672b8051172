import assert from "node:assert/strict";
import type { PublicKeyCredentialCreationOptionsJSON, PublicKeyCredentialRequestOptionsJSON } from "@simplewebauthn/server";
import type { TestCustomer, TestService } from "./test-service.ts";
import type { WebClient } from "./web-client.ts";
import type { AnswerOverrides } from "./soft-authenticator.ts";
import { SoftAuthenticator } from "./soft-authenticator.ts";
import { codeMailSubject } from "../../src/core/mail/code-mails.ts";

/** A soft authenticator on the test service's own origin (PUBLIC_URL). */
export function authenticatorFor(t: TestService, options: { userVerified?: boolean; synced?: boolean } = {}): SoftAuthenticator {
  return new SoftAuthenticator({ origin: t.config.publicUrl, ...options });
}

/** A browser logged in as `customer` with ID, password and the emailed code. */
export async function loggedIn(t: TestService, customer: TestCustomer): Promise<WebClient> {
  const browser = t.client();
  const n = t.smtp.mails.filter((mail) => mail.to === customer.email && mail.subject === codeMailSubject(t.config.brand)).length + 1;
  const started = await browser.post("/api/v1/login", { json: { loginId: customer.loginId, password: customer.password } });
  assert.equal(started.json().status, "mfa_required", started.body);
  const code = await t.codeFor(customer.email, n);
  assert.equal((await browser.post("/api/v1/login/mfa", { json: { code } })).statusCode, 200);
  return browser;
}

/** Asks for the passkey registration code and reads it from the mail, as the customer would. */
export async function registrationCode(t: TestService, customer: TestCustomer, browser: WebClient): Promise<string> {
  const n = t.smtp.mails.filter((mail) => mail.to === customer.email && mail.subject === codeMailSubject(t.config.brand)).length + 1;
  const sent = await browser.post("/api/v1/passkeys/code", { json: {} });
  assert.equal(sent.json().status, "code_sent", sent.body);
  return t.codeFor(customer.email, n);
}

/** The creation options after a right code. */
export async function creationOptions(t: TestService, customer: TestCustomer, browser: WebClient): Promise<PublicKeyCredentialCreationOptionsJSON> {
  const code = await registrationCode(t, customer, browser);
  const response = await browser.post("/api/v1/passkeys/registration/options", { json: { code } });
  assert.equal(response.statusCode, 200, response.body);
  return response.json().options as PublicKeyCredentialCreationOptionsJSON;
}

/** Registers a passkey of `authenticator` for the logged-in customer; its row ID. */
export async function registerPasskey(t: TestService, customer: TestCustomer, browser: WebClient, authenticator: SoftAuthenticator, name = "iPhone"): Promise<string> {
  const options = await creationOptions(t, customer, browser);
  const response = await browser.post("/api/v1/passkeys", { json: { name, response: authenticator.register(options) } });
  assert.equal(response.statusCode, 200, response.body);
  return response.json().id as string;
}

/** A passkey login in a fresh browser (or `browser`): the options, then the assertion; the answer and the browser. */
export async function passkeyLogin(t: TestService, authenticator: SoftAuthenticator, overrides: AnswerOverrides = {}, browser = t.client()): Promise<{ browser: WebClient; response: Awaited<ReturnType<WebClient["post"]>>; options: PublicKeyCredentialRequestOptionsJSON }> {
  const started = await browser.post("/api/v1/login/passkey/options", { json: {} });
  assert.equal(started.statusCode, 200, started.body);
  const options = started.json().options as PublicKeyCredentialRequestOptionsJSON;
  const response = await browser.post("/api/v1/login/passkey", { json: { response: authenticator.assert(options, overrides) } });
  return { browser, response, options };
}
