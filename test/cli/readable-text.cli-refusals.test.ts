import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "../support/run-cli.ts";
import { openDatabase } from "../../src/adapters/db/connect.ts";
import { createCustomerStore } from "../../src/adapters/db/stores/customer-store.ts";
import { sqliteFolders } from "./cli-databases.ts";
import type { SqliteLocation } from "./cli-databases.ts";
import { OPERATOR_PASSWORD, operatorAddArgs, readOperator } from "./operator-cli-support.ts";

// Issue 17 item 14: imported names held zero-width characters, only a Hangul filler (looks
// blank), or a URL. `customer add`, `operator add` and `customer import` use the one rule of
// src/core/readable-text.ts; the unit table covers every code point, these one of each kind.

async function customerCount(databaseUrl: string): Promise<number> {
  const database = openDatabase(databaseUrl);
  try {
    return await createCustomerStore(database.db).count();
  } finally {
    await database.close();
  }
}

describe("the command line refuses names a person cannot read as they are", () => {
  const folders = sqliteFolders();
  const files = mkdtempSync(join(tmpdir(), "okb-readable-"));
  let db: SqliteLocation;
  before(async () => {
    db = await folders.migrated();
  });
  after(() => {
    folders.removeAll();
    rmSync(files, { recursive: true, force: true });
  });

  it("customer add: a name of one Hangul filler (looks blank): exit 2, the code point named, nothing written", async () => {
    const args = ["customer", "add", "--login-id", "blank01", "--email", "blank@example.co.jp", "--name", "\u3164", "--birth-date", "1980-01-31"];
    const run = await runCli(args, { databaseUrl: db.url, stdin: "correct horse 7\n" });
    assert.equal(run.status, 2, run.stdout + run.stderr);
    assert.match(run.stderr, /^error: name must be readable text [^\n]*U\+3164\)\n$/);
    assert.equal(await customerCount(db.url), 0);
  });

  it("operator add: a web address as the name: exit 2, nothing written", async () => {
    const run = await runCli(operatorAddArgs("url.op", { name: "www.okb-support.com" }), { databaseUrl: db.url, stdin: `${OPERATOR_PASSWORD}\n` });
    assert.equal(run.status, 2, run.stdout + run.stderr);
    assert.match(run.stderr, /name must be readable text [^\n]*web address/);
    assert.equal((await readOperator(db.url, "url.op")).operator, null);
  });

  it("customer import: a zero-width space, a Hangul filler alone and a URL as names: each line named, nothing imported", async () => {
    const path = join(files, `${randomUUID()}.csv`);
    writeFileSync(
      path,
      "login_id,email,name,birth_date,password\n" +
        "good01,good@example.co.jp,佐々木 ケンジ,1990-01-01,a good password\n" +
        "zw01,zw@example.co.jp,田中\u200B一郎,1990-01-01,a good password\n" +
        "filler01,filler@example.co.jp,\u3164,1990-01-01,a good password\n" +
        "url01,url@example.co.jp,https://okb-support.example/login,1990-01-01,a good password\n" +
        "wide01,wide@example.co.jp,ＴＡＮＡＫＡ　一郎,1990-01-01,a good password\n",
    );
    const run = await runCli(["customer", "import", path], { databaseUrl: db.url });
    assert.equal(run.status, 2, run.stdout + run.stderr);
    assert.match(run.stderr, /^line 3: name must be readable text [^\n]*U\+200B\)$/m);
    assert.match(run.stderr, /^line 4: name must be readable text [^\n]*U\+3164\)$/m);
    assert.match(run.stderr, /^line 5: name must be readable text [^\n]*web address/m);
    assert.doesNotMatch(run.stderr, /^line (2|6):/m, "佐々木 ケンジ and ＴＡＮＡＫＡ　一郎 are fine");
    assert.ok(!run.stderr.includes("\u200B") && !run.stderr.includes("\u3164"), "the report shows code points, not the hidden characters");
    assert.equal(await customerCount(db.url), 0);
  });
});
