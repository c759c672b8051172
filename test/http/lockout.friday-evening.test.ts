import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { sharedTestService } from "../support/test-service.ts";
import type { TestCustomer } from "../support/test-service.ts";
import { wrongCodeFor } from "../support/codes.ts";
import { birthDateFields, nextCodeMail, pageLogin, visibleText } from "../support/page-login.ts";

const BIRTH_DATE = "1980-01-31";
const NEW_PASSWORD = "a brand new passphrase";
const LOCKED = "[5102] 口座がロックされています。コールセンター（0120-483744）までご連絡ください。";
// 2026-12-04 is a Friday; 18:02 in Tokyo, after the call center (平日 9:00～17:00) has closed.
const FRIDAY_EVENING = Date.UTC(2026, 11, 4, 9, 2, 0);

/** The locked-account help's visible text, or null when the page has none. */
function lockedHelp(html: string): string | null {
  const section = /<section class="card" id="locked-help"[^>]*>([\s\S]*?)<\/section>/u.exec(html);
  return section === null ? null : visibleText(section[1] ?? "").replace(/\s+/gu, " ").trim();
}

/**
 * Issue 21 item 5: locked out on a Friday evening. [5102] where a page shows it says that a
 * password reset (login ID + date of birth + the mailed code) lifts the lock now, not only the call
 * center on weekdays, and the reset does lift it; マイページ then says how many wrong passwords
 * there were since the previous login, and when the last was.
 */
describe("locked out on a Friday evening: the reset that lifts the lock now, and マイページ's count", () => {
  const t = sharedTestService({ env: { LOCKOUT_THRESHOLD: "5", RATE_LIMIT_CODE_MAILS_PER_CUSTOMER: "100/60" } });


  async function wrongPasswords(customer: TestCustomer, times: number, lang: "ja" | "en" = "ja"): Promise<string> {
    let body = "";
    for (let attempt = 0; attempt < times; attempt += 1) {
      body = (await t.client().post(lang === "en" ? "/login?lang=en" : "/login", { form: { loginId: customer.loginId, password: "not the password" } })).body;
    }
    return body;
  }

  it("[5102] on the login page: the reset lifts the lock at once, at any hour, with its link; the call center too (ja and en)", async () => {
    const customer = await t.addCustomer({ birthDate: BIRTH_DATE });
    const wrong = await wrongPasswords(customer, 1);
    assert.equal(lockedHelp(wrong), null, "[5101] says nothing of locks");
    const locking = await wrongPasswords(customer, 4);
    assert.ok(visibleText(locking).includes(LOCKED));
    const help = lockedHelp(locking);
    assert.equal(
      help,
      "ロックをすぐに解除するには パスワードを再設定すると、ロックはその場で解除されます。夜間や土・日・祝日もご利用いただけます。" +
        "ログインIDと生年月日を入力し、「重要メール」に届く認証コードと新しいパスワードを入力してください。 " +
        "パスワードを再設定する コールセンターでもロックを解除できます。受付時間は平日 9:00～17:00（土・日・祝日、年末年始を除く）です。",
    );
    assert.match(locking, /<a href="\/password\/forgot" id="locked-reset-link">パスワードを再設定する<\/a>/u);
    const again = await wrongPasswords(customer, 1, "en");
    assert.match(visibleText(again), /\[5102\] Your account is locked\./u);
    assert.match(lockedHelp(again) ?? "", /^To unlock your account now Resetting your password unlocks your account at once, at any hour, weekends and holidays included\./u);
    assert.match(again, /<a href="\/password\/forgot\?lang=en" id="locked-reset-link">Reset your password<\/a>/u);
  });

  it("[5102] on the code screen (the wrong code that locks) and the login page after a lock ended the session say the same", async () => {
    const customer = await t.addCustomer({ birthDate: BIRTH_DATE });
    const browser = await pageLogin(t, customer);
    const other = t.client();
    const n = nextCodeMail(t, customer);
    await other.post("/login", { form: { loginId: customer.loginId, password: customer.password } });
    const code = await t.codeFor(customer.email, n);
    let body = "";
    for (let attempt = 0; attempt < 5; attempt += 1) {
      body = (await other.post("/login/mfa", { form: { code: wrongCodeFor(code) } })).body;
    }
    assert.ok(visibleText(body).includes(LOCKED), visibleText(body));
    assert.match(lockedHelp(body) ?? "", /^ロックをすぐに解除するには パスワードを再設定すると/u);

    assert.equal((await browser.get("/")).statusCode, 303);
    const login = (await browser.get("/login")).body;
    assert.match(login, /id="session-note">口座がロックされたため、ログアウトしました。</u);
    assert.match(lockedHelp(login) ?? "", /^ロックをすぐに解除するには/u);
  });

  it("on a Friday evening the reset through the pages lifts the lock: the new password logs in at once; マイページ counts the wrong passwords since the previous login", async () => {
    const customer = await t.addCustomer({ birthDate: BIRTH_DATE });
    const earlier = await pageLogin(t, customer);
    await earlier.post("/logout", { form: {} });
    await t.drainOutbox();
    t.clock.advance(Math.max(0, FRIDAY_EVENING - 5 * 60_000 - t.clock.now()));
    for (let minute = 0; minute < 5; minute += 1) {
      await wrongPasswords(customer, 1);
      t.clock.advance(60_000);
    }
    assert.ok(visibleText((await t.client().post("/login", { form: { loginId: customer.loginId, password: customer.password } })).body).includes(LOCKED), "locked: the right password is refused too");

    const browser = t.client();
    assert.equal((await browser.get("/password/forgot")).statusCode, 200);
    const n = nextCodeMail(t, customer);
    assert.equal((await browser.post("/password/forgot", { form: { loginId: customer.loginId, ...birthDateFields(BIRTH_DATE) } })).headers.location, "/password/forgot/code");
    await t.drainOutbox();
    const code = await t.codeFor(customer.email, n);
    const done = await browser.post("/password/forgot/code", { form: { code, newPassword: NEW_PASSWORD, newPasswordConfirm: NEW_PASSWORD } });
    assert.equal(done.headers.location, "/password/forgot/done");
    assert.match(visibleText((await browser.get("/password/forgot/done")).body), /ログインの失敗によるロックがかかっていた場合は、解除されています。/u);

    const again = await pageLogin(t, { ...customer, password: NEW_PASSWORD });
    const myPage = await again.get("/");
    assert.equal(myPage.statusCode, 200);
    assert.match(visibleText(myPage.body), /前回ログイン以降、パスワードの誤りが5回ありました（最後：2026\/12\/04 18:01:00）。/u);
    assert.match(myPage.body, /<a href="\/history" id="failed-passwords-history">ログイン履歴を見る<\/a>/u);
    const english = await again.get("/?lang=en");
    assert.match(visibleText(english.body), /Wrong passwords since your previous login: 5 \(last: 2026\/12\/04 18:01:00\)\./u);

    // The next login: none since this one, so nothing is said.
    const next = await pageLogin(t, { ...customer, password: NEW_PASSWORD });
    assert.doesNotMatch((await next.get("/")).body, /id="failed-passwords"/u);
  });

  it("マイページ at a first login: 「今回が初めてのログインです。」 and the wrong passwords before it; another customer's and older ones do not count", async () => {
    const customer = await t.addCustomer();
    const stranger = await t.addCustomer();
    await wrongPasswords(stranger, 3);
    await wrongPasswords(customer, 2);
    t.clock.advance(90_000);
    const lastWrongAt = t.clock.now();
    await wrongPasswords(customer, 1);
    const browser = await pageLogin(t, customer);
    const text = visibleText((await browser.get("/")).body);
    assert.match(text, /今回が初めてのログインです。/u);
    const at = new Intl.DateTimeFormat("ja-JP", { timeZone: "Asia/Tokyo", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false }).format(lastWrongAt);
    assert.ok(text.includes(`今回のログインまでに、パスワードの誤りが3回ありました（最後：${at}）。`), text);
    assert.ok(visibleText((await browser.get("/?lang=en")).body).includes(`Wrong passwords before this login: 3 (last: ${at}).`));

    // A later login counts only what came after the one before it.
    t.clock.advance(60_000);
    await wrongPasswords(customer, 1);
    const later = await pageLogin(t, customer);
    assert.match(visibleText((await later.get("/")).body), /前回ログイン以降、パスワードの誤りが1回ありました/u);
    const clean = await pageLogin(t, (await t.addCustomer()));
    assert.doesNotMatch((await clean.get("/")).body, /id="failed-passwords"/u, "no wrong password, nothing said");
  });
});
