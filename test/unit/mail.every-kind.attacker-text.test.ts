import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { mailFooterEn, mailFooterJa, noticeBody } from "../../src/core/mail/notice.ts";
import { NOTICE_KINDS } from "../../src/core/mail/notice-kinds.ts";
import { HOSTILE_WORDS, brand, everyMail } from "../support/notice-fixtures.ts";

// Every NoticeKind (the list the compiler holds complete, not one kept by hand), in every variant,
// built from the facts of a request whose User-Agent and forwarded address are an attacker's text:
// no link or address outside our fixed footer, nothing of the attacker's text, and the request's IP
// and device only where the mail is about the customer's own request, and then only as validated.
const FOOTER = [...mailFooterJa(brand), ...mailFooterEn(brand)].filter((line) => line !== "");

describe("no mail carries a link, an address or text from the request: every NoticeKind", () => {
  const mails = everyMail();

  it("goes over every NoticeKind", () => {
    assert.deepEqual([...new Set(mails.map((mail) => mail.kind))].sort(), [...NOTICE_KINDS].sort());
  });

  for (const mail of mails) {
    it(mail.name, () => {
      const body = noticeBody(brand, mail.customerName, mail.notice);
      const ours = body.split("\n").filter((line) => !FOOTER.includes(line)).join("\n");
      assert.doesNotMatch(`${mail.notice.subject}\n${ours}`, /https?:|www\.|@/iu, "no link or address outside the footer");
      for (const word of HOSTILE_WORDS) {
        assert.ok(!`${mail.notice.subject}\n${body}`.includes(word), `${JSON.stringify(word)} from the request must not appear`);
      }
      if (mail.hasOrigin) {
        assert.match(body, /^IPアドレス: 不明$/mu, "a forwarded address that is no IP shows as unknown");
        assert.match(body, /^IP address: unknown$/mu, "in the English part's own words");
        assert.match(body, /^ご利用環境: Chrome 120 \/ Windows 10$/mu, "only the known browser and system names");
        assert.match(body, /^Device: Chrome 120 \/ Windows 10$/mu);
      } else {
        assert.doesNotMatch(body, /IPアドレス|ご利用環境|IP address|Device:/u, "no network or device: not the customer's request (the call center's, or an address being checked)");
      }
    });
  }
});
