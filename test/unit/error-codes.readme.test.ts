import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { ERROR_CODES } from "../../src/core/kernel/errors.ts";
import { HTTP_STATUS_BY_CODE } from "../../src/web/kernel/error-status.ts";

/** Rows of the README's error table: `| 5121 | 401 | …`, code → the first status named. */
function readmeErrorTable(): Map<string, number> {
  const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
  const section = readme.slice(readme.indexOf("## Error codes"), readme.indexOf("\n## ", readme.indexOf("## Error codes") + 1));
  const table = new Map<string, number>();
  for (const match of section.matchAll(/^\| (\d{4}) \| (\d{3})/gmu)) {
    table.set(match[1] ?? "", Number(match[2]));
  }
  return table;
}

describe("the error codes: one closed set in the code, the same in the README", () => {
  it("the README's error table lists exactly the codes of ErrorCode, each with the HTTP status the web layer answers", () => {
    const documented = readmeErrorTable();
    assert.deepEqual([...documented.keys()].sort(), [...ERROR_CODES].sort());
    for (const code of ERROR_CODES) {
      assert.equal(documented.get(code), HTTP_STATUS_BY_CODE[code], `status of ${code}`);
    }
  });
});
