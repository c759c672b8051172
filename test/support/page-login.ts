import assert from "node:assert/strict";
import type { TestCustomer, TestService } from "./test-service.ts";
import type { WebClient } from "./web-client.ts";

const CODE_SUBJECT = "【OKB証券】認証コードのお知らせ";

/** Which code mail to `customer` comes next (1-based, for `t.codeFor`): one more than have arrived. */
export function nextCodeMail(t: TestService, customer: TestCustomer): number {
  return t.smtp.mails.filter((mail) => mail.to === customer.email && mail.subject === CODE_SUBJECT).length + 1;
}

/** Logs `customer` in through the HTML pages (password, then the mailed code) in a fresh WebClient. */
export async function pageLogin(t: TestService, customer: TestCustomer, options?: { userAgent?: string; ip?: string }): Promise<WebClient> {
  const browser = t.client(options);
  const n = nextCodeMail(t, customer);
  const step1 = await browser.post("/login", { form: { loginId: customer.loginId, password: customer.password } });
  assert.equal(step1.headers.location, "/login/mfa");
  const code = await t.codeFor(customer.email, n);
  const step2 = await browser.post("/login/mfa", { form: { code } });
  assert.equal(step2.headers.location, "/");
  return browser;
}

/** What a reader sees: tags out, the escaped entities back. */
export function visibleText(html: string): string {
  return html
    .replace(/<[^>]+>/g, "")
    .replaceAll("&quot;", '"')
    .replaceAll("&#39;", "'")
    .replaceAll("&amp;", "&");
}

/** A `YYYY-MM-DD` date as the recovery forms send it: 年 / 月 / 日 (issue 21 item 10). */
export function birthDateFields(date: string): { birthYear: string; birthMonth: string; birthDay: string } {
  const [birthYear = "", birthMonth = "", birthDay = ""] = date.split("-");
  return { birthYear, birthMonth, birthDay };
}

/** The `<input>` whose id is `id`, as the page wrote it (asserted to be there). */
export function inputTag(body: string, id: string): string {
  const tag = new RegExp(`<input id="${id}"[^>]*>`).exec(body)?.[0];
  assert.ok(tag !== undefined, `an input #${id} on the page`);
  return tag;
}

/** The value the page put back into input #id ("" when none). */
export function inputValue(body: string, id: string): string {
  return /\svalue="([^"]*)"/.exec(inputTag(body, id))?.[1] ?? "";
}
