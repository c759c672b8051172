import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { noticeBody } from "../../src/core/mail/notice.ts";
import type { FixtureMail } from "../support/notice-fixtures.ts";
import { brand, everyMail } from "../support/notice-fixtures.ts";

// Every mail the product sends, subject and body (Japanese, then English), as golden files: a
// change to a mail's text shows here as a diff, and a refactoring of the mail code must leave
// every file byte for byte. UPDATE_GOLDEN=1 writes the files that are missing (never overwrites).
const GOLDEN_DIR = fileURLToPath(new URL("../golden/mails/", import.meta.url));
const UPDATE = process.env["UPDATE_GOLDEN"] === "1";

/** What the golden file holds: the subject line, a blank line, the body as mailed. */
function rendered(mail: FixtureMail): string {
  return `Subject: ${mail.notice.subject}\n\n${noticeBody(brand, mail.customerName, mail.notice)}\n`;
}

describe("every mail the product sends, as golden files (test/golden/mails)", () => {
  const mails = everyMail();
  for (const mail of mails) {
    it(mail.name, () => {
      const file = `${GOLDEN_DIR}${mail.name}.txt`;
      const actual = rendered(mail);
      if (!existsSync(file) && UPDATE) {
        mkdirSync(GOLDEN_DIR, { recursive: true });
        writeFileSync(file, actual);
      }
      assert.ok(existsSync(file), `${file} is missing: run this test with UPDATE_GOLDEN=1 to write it, then read it`);
      assert.equal(actual, readFileSync(file, "utf8"), `${mail.name}: the mail differs from its golden file`);
    });
  }

  it("holds no golden file for a mail that is no longer built, and no two mails share a name", () => {
    const names = mails.map((mail) => mail.name);
    assert.equal(new Set(names).size, names.length);
    const files = readdirSync(GOLDEN_DIR).filter((file) => file.endsWith(".txt")).map((file) => file.slice(0, -".txt".length));
    assert.deepEqual(files.filter((file) => !names.includes(file)), []);
  });
});
