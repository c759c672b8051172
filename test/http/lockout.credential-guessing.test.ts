import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { sharedTestService } from "../support/test-service.ts";
import type { TestCustomer } from "../support/test-service.ts";
import { wrongCodeFor } from "../support/codes.ts";
import type { WebClient } from "../support/web-client.ts";
import { visibleText } from "../support/page-login.ts";

// As the reader sees it: the number in the refusal is a tel: link.
const LOCKED = /\[5102\] 口座がロックされています。コールセンター（0120-483744）までご連絡ください。/;

describe("account lockout against password and code guessing (NIST SP 800-63B-4 §3.1.3.2)", () => {
  // Rate limits wide open: this suite is about the lockout alone.
  const t = sharedTestService({ env: { RATE_LIMIT_PASSWORD_PER_LOGIN_ID: "1000/60", RATE_LIMIT_CODE_MAILS_PER_CUSTOMER: "1000/60" } });

  const wrongPassword = (customer: TestCustomer, browser: WebClient = t.client()) =>
    browser.post("/login", { form: { loginId: customer.loginId, password: "wrong password" } });
  const rightPassword = (customer: TestCustomer, browser: WebClient = t.client()) =>
    browser.post("/login", { form: { loginId: customer.loginId, password: customer.password } });
  const mailsTo = (customer: TestCustomer, subject: string) => t.smtp.mails.filter((mail) => mail.to === customer.email && mail.subject === subject);
  const CODE_MAIL = "【OKB証券】認証コードのお知らせ";
  const LOCK_NOTICE = "【OKB証券】口座ロックのお知らせ";

  it("locks after 10 consecutive wrong passwords, then answers [5102] whether the password is right or not", async () => {
    const customer = await t.addCustomer();
    for (let attempt = 1; attempt <= 9; attempt += 1) {
      assert.match((await wrongPassword(customer)).body, /\[5101\]/, `attempt ${attempt}`);
    }
    const tenth = await wrongPassword(customer);
    assert.equal(tenth.statusCode, 423);
    assert.match(visibleText(tenth.body), LOCKED);
    const right = await rightPassword(customer);
    const wrong = await wrongPassword(customer);
    assert.equal(right.statusCode, 423);
    assert.equal(wrong.statusCode, 423);
    assert.equal(right.body.replace(/name="_csrf" value="[^"]*"/, ""), wrong.body.replace(/name="_csrf" value="[^"]*"/, ""), "the same page either way");
    assert.equal(mailsTo(customer, CODE_MAIL).length, 0, "a locked account gets no code mail");
    const events = (await t.auditEvents(customer.customer.id)).map((event) => event.event);
    assert.equal(events.filter((event) => event === "account.locked").length, 1);
  });

  it("mails the customer one lock notice: when, from where, call the call center; no link, no secret", async () => {
    const customer = await t.addCustomer();
    const attacker = t.client({ ip: "198.51.100.77", userAgent: "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/121.0.0.0 Safari/537.36" });
    const guess = "Tr0ub4dor&3-guess";
    for (let i = 0; i < 10; i += 1) {
      await attacker.post("/login", { form: { loginId: customer.loginId, password: guess } });
    }
    const notice = await t.mailTo(customer.email, 1, LOCK_NOTICE);
    assert.match(notice.from, /@okb-sec\.co\.jp>?$/);
    assert.match(notice.text, new RegExp(`^${customer.name} 様`));
    assert.match(notice.text, /ログインを停止（ロック）しました/);
    assert.match(notice.text, /日時: \d{4}\/\d{2}\/\d{2} \d{2}:\d{2}/);
    assert.match(notice.text, /IPアドレス: 198\.51\.100\.77/);
    assert.match(notice.text, /ご利用環境: Chrome .*Linux/);
    assert.match(notice.text, /0120-483744/);
    assert.match(notice.text, /ログインパスワードを再設定すると、ロックはただちに解除されます/, "a reset lifts the lock at once (issue 21 item 5)");
    assert.doesNotMatch(notice.text, /https?:\/\/|www\./, "no links: phishing copies have them, ours never do");
    assert.ok(!notice.text.includes(guess), "the password tried is never in the mail");
    const locked = (await t.auditEvents(customer.customer.id)).find((event) => event.event === "account.locked");
    assert.equal(typeof locked?.detail["noticeMailId"], "string", "the audit trail says which mail told the customer");

    // Further attempts on the locked account, right or wrong, send nothing more.
    await wrongPassword(customer, attacker);
    await rightPassword(customer);
    // Mails are queued within the request, so the outbox already holds whatever these two would send.
    const queued = await t.service.database.db.selectFrom("mail_outbox").select("subject").where("recipient", "=", customer.email).execute();
    assert.deepEqual(queued.map((row) => row.subject), [LOCK_NOTICE]);
    assert.equal(mailsTo(customer, LOCK_NOTICE).length, 1);
    assert.equal(mailsTo(customer, CODE_MAIL).length, 0);
  });

  it("counts wrong codes with wrong passwords, and a new code does not reset the count", async () => {
    const customer = await t.addCustomer();
    for (let i = 0; i < 4; i += 1) {
      await wrongPassword(customer);
    }
    let mailed = 0;
    for (let round = 0; round < 2; round += 1) {
      const browser = t.client();
      assert.equal((await rightPassword(customer, browser)).statusCode, 303, "a right password alone resets nothing");
      mailed += 1;
      const code = await t.codeFor(customer.email, mailed);
      for (let i = 0; i < 3; i += 1) {
        const response = await browser.post("/login/mfa", { form: { code: wrongCodeFor(code) } });
        const failures = 4 + round * 3 + i + 1;
        if (failures < 10) {
          assert.match(response.body, /\[5121\]/, `failure ${failures}`);
        } else {
          assert.equal(response.statusCode, 423, `failure ${failures} locks`);
          assert.match(visibleText(response.body), LOCKED);
        }
      }
    }
    assert.equal((await rightPassword(customer)).statusCode, 423);
  });

  it("refuses even the right code once the account is locked meanwhile", async () => {
    const customer = await t.addCustomer();
    const holder = t.client();
    await rightPassword(customer, holder);
    const code = await t.codeFor(customer.email);
    for (let i = 0; i < 10; i += 1) {
      await wrongPassword(customer);
    }
    const response = await holder.post("/login/mfa", { form: { code } });
    assert.equal(response.statusCode, 423);
    assert.match(visibleText(response.body), LOCKED);
    assert.equal(holder.cookies.has("__Host-okb_session"), false);
  });

  it("resets the count only after a completed login (both factors)", async () => {
    const customer = await t.addCustomer();
    for (let i = 0; i < 9; i += 1) {
      await wrongPassword(customer);
    }
    const browser = t.client();
    await rightPassword(customer, browser);
    assert.equal((await browser.post("/login/mfa", { form: { code: await t.codeFor(customer.email) } })).statusCode, 303);
    for (let i = 0; i < 9; i += 1) {
      assert.match((await wrongPassword(customer)).body, /\[5101\]/);
    }
  });
});
