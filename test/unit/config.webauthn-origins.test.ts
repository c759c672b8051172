import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { loadConfig } from "../../src/config.ts";
import { relyingPartyOf } from "../../src/core/passkeys/passkey-deps.ts";

const ANDROID_APP = `android:apk-key-hash:${"A".repeat(43)}`;

describe("WEBAUTHN_EXTRA_ORIGINS and the passkeys' relying party (issue 13 §1)", () => {
  it("none by default: the RP ID is PUBLIC_URL's host and its origin the only one", () => {
    const { config } = loadConfig({ PUBLIC_URL: "https://login.okb-sec.co.jp/" });
    assert.deepEqual(config.webauthnExtraOrigins, []);
    assert.deepEqual(relyingPartyOf(config.publicUrl, config.webauthnExtraOrigins, "OKB証券"), { id: "login.okb-sec.co.jp", name: "OKB証券", origins: ["https://login.okb-sec.co.jp"] });
  });

  it("reads comma-separated origins (normalised, PUBLIC_URL's own once) and Android apps' key hashes", () => {
    const { config } = loadConfig({ PUBLIC_URL: "https://login.okb-sec.co.jp", WEBAUTHN_EXTRA_ORIGINS: ` https://App.okb-sec.co.jp/ ,${ANDROID_APP},https://login.okb-sec.co.jp` });
    assert.deepEqual(config.webauthnExtraOrigins, ["https://app.okb-sec.co.jp", ANDROID_APP, "https://login.okb-sec.co.jp"]);
    assert.deepEqual(relyingPartyOf(config.publicUrl, config.webauthnExtraOrigins, "OKB証券").origins, ["https://login.okb-sec.co.jp", "https://app.okb-sec.co.jp", ANDROID_APP]);
  });

  it("names the variable for a path, a query, another scheme or a short Android hash", () => {
    for (const value of ["https://app.okb-sec.co.jp/login", "https://app.okb-sec.co.jp?x=1", "ftp://app.okb-sec.co.jp", "android:apk-key-hash:short", "*"]) {
      assert.throws(() => loadConfig({ WEBAUTHN_EXTRA_ORIGINS: value }), /WEBAUTHN_EXTRA_ORIGINS/u, value);
    }
  });

  it("refuses an http:// origin in production", () => {
    assert.throws(
      () => loadConfig({ NODE_ENV: "production", SMTP_URL: "smtp://mail:25", SERVER_SECRET: "x".repeat(40), PUBLIC_URL: "https://login.okb-sec.co.jp", WEBAUTHN_EXTRA_ORIGINS: "http://app.okb-sec.co.jp" }),
      /WEBAUTHN_EXTRA_ORIGINS: origins must be https/u,
    );
  });
});
