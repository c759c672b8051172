import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { sharedTestService } from "../support/test-service.ts";
import { wrongCodeFor } from "../support/codes.ts";

const ISO_JST = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+09:00$/;

describe("JSON API for the smartphone app (/api/v1)", () => {
  const t = sharedTestService();

  it("runs the whole flow: login → mfa_required → code → ok → session → logout", async () => {
    const customer = await t.addCustomer({ email: "app-user@example.co.jp" });
    const app = t.client({ userAgent: "OKBApp/3.1 (iPhone; iOS 17.0)" });
    const login = await app.post("/api/v1/login", { json: { loginId: customer.loginId, password: customer.password } });
    assert.equal(login.statusCode, 200);
    const body = login.json();
    assert.equal(body.status, "mfa_required");
    assert.equal(body.maskedEmail, "a***@example.co.jp");
    assert.equal(body.sentAt, "2026-11-25T09:30:00+09:00");
    assert.equal(body.expiresAt, "2026-11-25T09:40:00+09:00");
    assert.match(body.sentAt, ISO_JST);

    const code = await t.codeFor(customer.email);
    const mfa = await app.post("/api/v1/login/mfa", { json: { code } });
    assert.equal(mfa.statusCode, 200);
    assert.deepEqual(mfa.json(), { status: "ok" });

    const session = await app.get("/api/v1/session");
    assert.equal(session.statusCode, 200);
    assert.equal(session.json().loginId, customer.loginId);
    assert.deepEqual(session.json().authMethods, ["pwd", "otp", "mfa"]);

    assert.equal((await app.post("/api/v1/logout")).statusCode, 200);
    const after = await app.get("/api/v1/session");
    assert.equal(after.statusCode, 401);
    assert.equal(after.json().error.code, "4010");
  });

  it("answers a wrong password with 401 and error 5101", async () => {
    const customer = await t.addCustomer();
    const response = await t.client().post("/api/v1/login", { json: { loginId: customer.loginId, password: "nope nope nope" } });
    assert.equal(response.statusCode, 401);
    assert.deepEqual(response.json(), { error: { code: "5101", message: "ログインIDまたはパスワードが正しくありません。" } });
  });

  it("answers a wrong code with exactly {code 5121, 認証コードが不正です。}", async () => {
    const customer = await t.addCustomer();
    const app = t.client();
    await app.post("/api/v1/login", { json: { loginId: customer.loginId, password: customer.password } });
    const code = await t.codeFor(customer.email);
    const wrong = wrongCodeFor(code);
    const response = await app.post("/api/v1/login/mfa", { json: { code: wrong } });
    assert.equal(response.statusCode, 401);
    assert.deepEqual(response.json(), { error: { code: "5121", message: "認証コードが不正です。" } });
  });

  it("speaks English when asked (Accept-Language)", async () => {
    const response = await t.client().post("/api/v1/login", {
      json: { loginId: "nobody", password: "nothing at all" },
      headers: { "accept-language": "en" },
    });
    assert.equal(response.json().error.message, "The login ID or password is incorrect.");
  });

  it("reports expiry as 5122 and a burned code as 5123", async () => {
    const customer = await t.addCustomer();
    const app = t.client();
    await app.post("/api/v1/login", { json: { loginId: customer.loginId, password: customer.password } });
    const code = await t.codeFor(customer.email);
    const wrong = wrongCodeFor(code);
    for (let i = 0; i < 4; i += 1) {
      assert.equal((await app.post("/api/v1/login/mfa", { json: { code: wrong } })).json().error.code, "5121");
    }
    assert.equal((await app.post("/api/v1/login/mfa", { json: { code: wrong } })).json().error.code, "5123");

    const later = t.client();
    await later.post("/api/v1/login", { json: { loginId: customer.loginId, password: customer.password } });
    const second = await t.codeFor(customer.email, 2);
    t.clock.advance(10 * 60 * 1000);
    const expired = await later.post("/api/v1/login/mfa", { json: { code: second } });
    assert.equal(expired.json().error.code, "5122");
  });

  it("says a newer code was sent when the app enters a superseded code", async () => {
    const customer = await t.addCustomer();
    const phone = t.client();
    await phone.post("/api/v1/login", { json: { loginId: customer.loginId, password: customer.password } });
    const old = await t.codeFor(customer.email);
    await t.client().post("/login", { form: { loginId: customer.loginId, password: customer.password } });
    const response = await phone.post("/api/v1/login/mfa", { json: { code: old } });
    assert.equal(response.json().error.code, "5121");
    assert.equal(response.json().error.message, "認証コードが不正です。");
    assert.match(response.json().error.hint, /新しい認証コード/);
  });

  it("logs a customer without MFA straight in with status ok and authMethods [pwd]", async () => {
    const customer = await t.addCustomer({ mfaEnabled: false });
    const app = t.client();
    const login = await app.post("/api/v1/login", { json: { loginId: customer.loginId, password: customer.password } });
    assert.equal(login.json().status, "ok");
    assert.deepEqual((await app.get("/api/v1/session")).json().authMethods, ["pwd"]);
  });

  it("answers GET /api/v1/session without a cookie with 401", async () => {
    const response = await t.client().get("/api/v1/session");
    assert.equal(response.statusCode, 401);
    assert.equal(response.json().error.code, "4010");
  });
});
