import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { runCli } from "../support/run-cli.ts";
import { openDatabase } from "../../src/adapters/db/connect.ts";
import { createCustomerStore } from "../../src/adapters/db/stores/customer-store.ts";
import { sqliteFolders } from "./cli-databases.ts";
import type { SqliteLocation } from "./cli-databases.ts";

async function customerCount(databaseUrl: string): Promise<number> {
  const database = openDatabase(databaseUrl);
  try {
    return await createCustomerStore(database.db).count();
  } finally {
    await database.close();
  }
}

// One of each kind; test/unit/customer-name.line-break-and-bidi-spoofing.test.ts covers every code point.
const SPOOFING_NAMES: Record<string, string> = {
  "a line separator (U+2028) that starts a forged line in the mail": "田中 一郎 様\u2028【重要】お客さまの口座は凍結されました",
  "a NEXT LINE (U+0085)": "田中\u0085一郎",
  "a right-to-left override (U+202E) that reverses the text after it": "田中\u202E郎一",
  "a right-to-left isolate (U+2067)": "田中\u2067一郎\u2069",
};

describe("customer add refuses a name that would break or reorder the mail greeting", () => {
  const folders = sqliteFolders();
  let db: SqliteLocation;

  before(async () => {
    db = await folders.migrated();
  });
  after(() => {
    folders.removeAll();
  });

  for (const [label, name] of Object.entries(SPOOFING_NAMES)) {
    it(`${label}: exit 2, one error line, nothing written`, async () => {
      const args = ["customer", "add", "--login-id", "tanaka01", "--email", "tanaka@example.co.jp", "--name", name, "--birth-date", "1980-01-31"];
      const run = await runCli(args, { databaseUrl: db.url, stdin: "correct horse 7\n" });
      assert.equal(run.status, 2, run.stdout + run.stderr);
      assert.match(run.stderr, /^error: name must be [^\n]*\n$/);
      assert.equal(run.stdout, "");
      assert.equal(await customerCount(db.url), 0);
    });
  }
});
