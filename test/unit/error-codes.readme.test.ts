import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { ERROR_CODES } from "../../src/core/kernel/errors.ts";
import { ERROR_REASONS, ERROR_REASONS_BY_CODE } from "../../src/core/kernel/error-reasons.ts";
import { HTTP_STATUS_BY_CODE } from "../../src/web/kernel/error-status.ts";

/** The README's "## Error codes" section, up to the next "## ". */
function readmeErrorSection(): string {
  const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
  return readme.slice(readme.indexOf("## Error codes"), readme.indexOf("\n## ", readme.indexOf("## Error codes") + 1));
}

/** Rows of the README's error table: `| 5121 | 401 | …`, code → the first status named. */
function readmeErrorTable(): Map<string, number> {
  const table = new Map<string, number>();
  for (const match of readmeErrorSection().matchAll(/^\| (\d{4}) \| (\d{3})/gmu)) {
    table.set(match[1] ?? "", Number(match[2]));
  }
  return table;
}

/** Rows of the README's reason table: `` | `too_short` | 5131 | … ``, reason → the codes named. */
function readmeReasonTable(): Map<string, string[]> {
  const table = new Map<string, string[]>();
  for (const match of readmeErrorSection().matchAll(/^\| `([a-z_]+)` \| ([\d, ]+) \|/gmu)) {
    assert.ok(!table.has(match[1] ?? ""), `${match[1]} listed twice`);
    table.set(match[1] ?? "", (match[2] ?? "").split(",").map((code) => code.trim()));
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

  it("the README's reason table lists exactly the reasons of ErrorReason, each with the codes it comes with", () => {
    const documented = readmeReasonTable();
    assert.deepEqual([...documented.keys()].sort(), [...ERROR_REASONS].sort());
    for (const reason of ERROR_REASONS) {
      const codes = Object.entries(ERROR_REASONS_BY_CODE)
        .filter(([, reasons]) => (reasons as readonly string[]).includes(reason))
        .map(([code]) => code);
      assert.deepEqual(documented.get(reason), codes.sort(), `codes of ${reason}`);
    }
  });
});
