import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readCustomerCsv } from "../../src/cli/customer-csv.ts";

/**
 * The import report names lines of the file as an editor numbers them. The reader
 * parses the whole file at once when it can and line by line when a line is broken;
 * both must number alike (blank lines, CR LF, a BOM).
 */
const HEADER = "login_id,email,name,birth_date,password_hash";
const GOOD = 'taro01,taro@example.co.jp,山田 太郎,1980-01-31,"$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaGhhc2g"';
const BROKEN = 'jiro01,jiro@example.co.jp,"山田 "次郎",1980-01-31,x';

function read(lines: string[], lineEnd = "\n"): ReturnType<typeof readCustomerCsv> {
  return readCustomerCsv(Buffer.from(lines.join(lineEnd), "utf8"));
}

describe("import file reader: line numbers as an editor shows them", () => {
  for (const [label, lineEnd] of [["LF", "\n"], ["CR LF", "\r\n"]] as const) {
    it(`${label}, blank lines: the same numbers whether or not a broken line forces reading line by line`, () => {
      const whole = read([HEADER, GOOD, "", GOOD.replace("taro01", "taro02"), "", ""], lineEnd);
      assert.deepEqual(whole.problems, []);
      assert.deepEqual(whole.rows.map((row) => row.line), [2, 4]);
      assert.deepEqual(whole.rows[0]?.secret, { passwordHash: GOOD.split('"')[1] }, "a quoted hash keeps its commas");

      const byLine = read([HEADER, GOOD, "", GOOD.replace("taro01", "taro02"), BROKEN, ""], lineEnd);
      assert.deepEqual(byLine.rows.map((row) => row.line), [2, 4]);
      assert.deepEqual(byLine.problems.map((problem) => problem.line), [5]);
      assert.equal(byLine.rows[1]?.name, "山田 太郎");
    });
  }

  it("a BOM does not shift the numbers or stick to the first column's name", () => {
    const csv = readCustomerCsv(Buffer.from(`\uFEFF${HEADER}\n${GOOD}\n`, "utf8"));
    assert.equal(csv.headerOk, true);
    assert.deepEqual(csv.rows.map((row) => [row.line, row.loginId]), [[2, "taro01"]]);
  });

  it("a quoted field that spans lines: each of its lines is reported, the lines after it are read", () => {
    const csv = read([HEADER, 'hanako01,hanako@example.co.jp,"花子', '続き",1980-01-31,x', GOOD]);
    assert.deepEqual(csv.problems.map((problem) => problem.line), [2, 3]);
    assert.deepEqual(csv.rows.map((row) => row.line), [4]);
    assert.match(csv.problems[0]?.reason ?? "", /not closed on this line/);
  });

  it("never quotes a broken field in the reason (it may be a password)", () => {
    const csv = read(["login_id,email,name,birth_date,password", 'a,a@example.co.jp,A,1980-01-31,my"secret"pw']);
    assert.equal(csv.problems.length, 1);
    assert.ok(!(csv.problems[0]?.reason ?? "").includes("secret"), csv.problems[0]?.reason);
  });
});
