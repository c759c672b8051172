import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { hash as bcryptHash } from "@node-rs/bcrypt";
import { runCli } from "../support/run-cli.ts";
import { openDatabase } from "../../src/adapters/db/connect.ts";
import { createCustomerStore } from "../../src/adapters/db/stores/customer-store.ts";
import { createArgon2Hasher } from "../../src/adapters/crypto/argon2-hasher.ts";
import type { Customer, CustomerStore } from "../../src/core/kernel/ports.ts";
import { CLI_DATABASES } from "./cli-databases.ts";
import type { CliDatabase } from "./cli-databases.ts";

/**
 * `customer import FILE.csv` (issue 11, item 12) brings the old system's customers
 * in: all rows or none. A file with any bad row is refused whole, with every bad
 * line named, so the operator fixes the file once rather than once per run.
 */

const hasher = createArgon2Hasher({ memoryKiB: 19456, timeCost: 2, parallelism: 1 });
const BOM = "\uFEFF";
const HASH_HEADER = "login_id,email,name,birth_date,password_hash";
const PASSWORD_HEADER = "login_id,email,name,birth_date,password";

const files = mkdtempSync(join(tmpdir(), "okb-import-"));
after(() => {
  rmSync(files, { recursive: true, force: true });
});

function writeCsv(content: string | Buffer): string {
  const path = join(files, `${randomUUID()}.csv`);
  writeFileSync(path, content);
  return path;
}

async function withCustomers<T>(databaseUrl: string, use: (customers: CustomerStore) => Promise<T>): Promise<T> {
  const database = openDatabase(databaseUrl);
  try {
    return await use(createCustomerStore(database.db));
  } finally {
    await database.close();
  }
}

async function found(databaseUrl: string, loginId: string): Promise<Customer> {
  const customer = await withCustomers(databaseUrl, (customers) => customers.findByLoginId(loginId));
  assert.ok(customer !== null, `${loginId} was imported`);
  return customer;
}

function count(databaseUrl: string): Promise<number> {
  return withCustomers(databaseUrl, (customers) => customers.count());
}

for (const backend of CLI_DATABASES) {
  describe(`customer import (${backend.name})`, () => {
    let argon2Hash: string;
    let bcryptHashed: string;
    const databases: CliDatabase[] = [];
    async function freshDatabase(): Promise<CliDatabase> {
      const database = await backend.migrated();
      databases.push(database);
      return database;
    }

    before(async () => {
      argon2Hash = await hasher.hash("old system pw 1");
      bcryptHashed = await bcryptHash("old system pw 2", 4);
    });
    after(async () => {
      for (const database of databases) {
        await database.remove();
      }
    });

    it("a file with a BOM and password_hash rows (argon2id and bcrypt): stores the hashes as given, IDs normalised, birth dates kept", async () => {
      const db = await freshDatabase();
      const csv = writeCsv(
        `${BOM}${HASH_HEADER}\n` +
          `Yamada01,yamada@example.co.jp,山田 太郎,1970-05-06,"${argon2Hash}"\n` +
          `suzuki02,suzuki@example.co.jp, 鈴木 花子 ,1988-12-31,${bcryptHashed}\n`,
      );
      const run = await runCli(["customer", "import", csv], { databaseUrl: db.url });
      assert.equal(run.status, 0, run.stderr);
      assert.equal(run.stdout, "imported 2 customers\n");

      const yamada = await found(db.url, "yamada01");
      assert.equal(yamada.passwordHash, argon2Hash);
      assert.equal(yamada.birthDate, "1970-05-06");
      assert.equal(yamada.email, "yamada@example.co.jp");
      assert.equal(yamada.mfaEnabled, true);
      assert.equal(await hasher.verify(yamada.passwordHash, "old system pw 1"), true);

      const suzuki = await found(db.url, "suzuki02");
      assert.equal(suzuki.passwordHash, bcryptHashed);
      assert.equal(suzuki.name, "鈴木 花子");
      assert.equal(await hasher.verify(suzuki.passwordHash, "old system pw 2"), true, "the bcrypt customer can log in");
      assert.equal(hasher.needsRehash(suzuki.passwordHash), true, "and is upgraded to argon2id at that login");
    });

    it("a file without a BOM, CR LF line ends, password rows: hashed with argon2id, never printed", async () => {
      const db = await freshDatabase();
      const passwords = ["first password 1", "second, with a comma", "三番目のパスワード"];
      const csv = writeCsv(
        `${PASSWORD_HEADER}\r\n` +
          `tanaka01,tanaka@example.co.jp,田中 一郎,1960-01-01,${passwords[0]}\r\n` +
          `tanaka02,tanaka2@example.co.jp,田中 二郎,1962-02-02,"${passwords[1]}"\r\n` +
          `tanaka03,tanaka3@example.co.jp,田中 三郎,1964-03-03,${passwords[2]}\r\n`,
      );
      const run = await runCli(["customer", "import", csv], { databaseUrl: db.url });
      assert.equal(run.status, 0, run.stderr);
      assert.equal(run.stdout, "imported 3 customers\n");
      for (const [index, password] of passwords.entries()) {
        const customer = await found(db.url, `tanaka0${index + 1}`);
        assert.match(customer.passwordHash, /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
        assert.equal(await hasher.verify(customer.passwordHash, password), true);
        assert.ok(!run.stdout.includes(password) && !run.stderr.includes(password));
      }
    });

    it("2,000 password_hash rows: one transaction in batches, a progress line on stderr, the count on stdout", async () => {
      const db = await freshDatabase();
      const rows = Array.from({ length: 2000 }, (_, i) => `bulk${i},bulk${i}@example.co.jp,一括 ${i},1990-01-01,"${argon2Hash}"`);
      const csv = writeCsv(`${HASH_HEADER}\n${rows.join("\n")}\n`);
      const run = await runCli(["customer", "import", csv], { databaseUrl: db.url });
      assert.equal(run.status, 0, run.stderr);
      assert.equal(run.stdout, "imported 2000 customers\n");
      assert.match(run.stderr, /^imported 2000\/2000 customers/m);
      assert.equal(await count(db.url), 2000);
      assert.equal((await found(db.url, "bulk1999")).name, "一括 1999");
    });

    describe("refuses the whole file when any row is bad: every bad line named, exit 2, nothing written", () => {
      let db: CliDatabase;
      let existing: Customer;

      before(async () => {
        db = await freshDatabase();
        existing = await withCustomers(db.url, (customers) =>
          customers.create({
            id: randomUUID(),
            loginId: "taken01",
            email: "taken@example.co.jp",
            name: "既存 顧客",
            passwordHash: argon2Hash,
            mfaEnabled: true,
            birthDate: null,
            createdAt: Date.now(),
          }),
        );
      });

      async function assertNothingWritten(): Promise<void> {
        assert.equal(await count(db.url), 1);
        assert.deepEqual(await found(db.url, "taken01"), existing);
      }

      it("bad address, duplicate ID in the file, ID already in the database, bad date, missing column, broken quoting, bad hash", async () => {
        const csv = writeCsv(
          [
            HASH_HEADER,
            `sato02,sato02@example.co.jp,佐藤 二郎,1980-01-31,"${argon2Hash}"`,
            `ito01,not-an-address,伊藤,1980-01-31,"${argon2Hash}"`,
            `SATO02,sato02b@example.co.jp,佐藤 別人,1981-02-01,"${argon2Hash}"`,
            `Taken01,taken2@example.co.jp,別の 顧客,1982-03-04,"${argon2Hash}"`,
            `kato01,kato@example.co.jp,加藤,1980-02-30,"${argon2Hash}"`,
            "endo01,endo@example.co.jp,遠藤,1983-04-05",
            `oda01,oda@example.co.jp,"織田 "信長",1984-05-06,"${argon2Hash}"`,
            "mori01,mori@example.co.jp,森,1985-06-07,not-a-hash",
            `ueda01,ueda@example.co.jp,上田,1986-07-08,${bcryptHashed}`,
          ].join("\n"),
        );
        const run = await runCli(["customer", "import", csv], { databaseUrl: db.url });
        assert.equal(run.status, 2, run.stdout + run.stderr);
        assert.equal(run.stdout, "");
        const lines = run.stderr.trimEnd().split("\n");
        assert.deepEqual(
          lines.map((line) => line.split(":")[0]),
          ["line 3", "line 4", "line 5", "line 6", "line 7", "line 8", "line 9", "error"],
          run.stderr,
        );
        assert.match(lines[0] ?? "", /e-mail address/);
        assert.match(lines[1] ?? "", /sato02.*line 2/);
        assert.match(lines[2] ?? "", /taken01.*already/);
        assert.match(lines[3] ?? "", /birth date.*1980-02-30/);
        assert.match(lines[4] ?? "", /expected 5 fields.*found 4/);
        assert.match(lines[5] ?? "", /quote/);
        assert.match(lines[6] ?? "", /password_hash must be/);
        assert.match(lines[7] ?? "", /^error: 7 of 9 rows are bad .*nothing was imported$/);
        await assertNothingWritten();
      });

      it("password rows: a short password, a name with a bidi control, a future birth date, an address with a bidi control; the password never echoed", async () => {
        const csv = writeCsv(
          `${PASSWORD_HEADER}\n` +
            "good01,good@example.co.jp,良い 顧客,1990-01-01,a good password\n" +
            "short01,short@example.co.jp,短い,1990-01-01,Sh0rt!x\n" +
            "bidi01,bidi@example.co.jp,田中\u202E郎一,1990-01-01,a good password\n" +
            "future01,future@example.co.jp,未来,2999-01-01,a good password\n" +
            "rlo01,invoice\u202Efdp.exe@example.co.jp,右から,1990-01-01,a good password\n",
        );
        const run = await runCli(["customer", "import", csv], { databaseUrl: db.url });
        assert.equal(run.status, 2, run.stdout + run.stderr);
        assert.match(run.stderr, /^line 3: password must be at least 8 characters$/m);
        assert.match(run.stderr, /^line 4: name must be /m);
        assert.match(run.stderr, /^line 5: birth date must be /m);
        // The bad address is quoted, its bidi control shown as an escape: the report cannot reorder the terminal.
        assert.match(run.stderr, /^line 6: not a valid e-mail address: "invoice\\u\{202e\}fdp\.exe@example\.co\.jp"$/m);
        assert.ok(!run.stderr.includes("\u202E"));
        assert.doesNotMatch(run.stderr, /^line 2:/m);
        assert.ok(!run.stderr.includes("Sh0rt!x"));
        await assertNothingWritten();
      });

      it("a header that is not login_id,email,name,birth_date and one of password_hash or password", async () => {
        for (const header of ["login_id,email,name,password", "login_id,email,name,birth_date,password,password_hash", "id,mail,name,birth_date,password"]) {
          const csv = writeCsv(`${header}\nhayashi01,hayashi@example.co.jp,林,1990-01-01,a good password\n`);
          const run = await runCli(["customer", "import", csv], { databaseUrl: db.url });
          assert.equal(run.status, 2, run.stdout + run.stderr);
          assert.match(run.stderr, /^line 1: header must be login_id,email,name,birth_date and one of password_hash or password/, header);
          await assertNothingWritten();
        }
      });

      it("a line that is not UTF-8 (a file saved as Shift_JIS)", async () => {
        // 山田 in Shift_JIS: 0x8E 0x52 0x93 0x63, which is not UTF-8.
        const shiftJis = Buffer.concat([
          Buffer.from(`${PASSWORD_HEADER}\nyamada09,yamada09@example.co.jp,`),
          Buffer.from([0x8e, 0x52, 0x93, 0x63]),
          Buffer.from(",1990-01-01,a good password\n"),
        ]);
        const run = await runCli(["customer", "import", writeCsv(shiftJis)], { databaseUrl: db.url });
        assert.equal(run.status, 2, run.stdout + run.stderr);
        assert.match(run.stderr, /^line 2: not UTF-8/m);
        await assertNothingWritten();
      });

      it("no file, a file that cannot be read, a file with no customers", async () => {
        const none = await runCli(["customer", "import"], { databaseUrl: db.url });
        assert.equal(none.status, 2);
        assert.match(none.stderr, /^error: customer import: give exactly one FILE\.csv/);
        const missing = await runCli(["customer", "import", join(files, "no-such-file.csv")], { databaseUrl: db.url });
        assert.equal(missing.status, 2);
        assert.match(missing.stderr, /^error: customer import: cannot read /);
        const empty = await runCli(["customer", "import", writeCsv(`${HASH_HEADER}\n`)], { databaseUrl: db.url });
        assert.equal(empty.status, 2);
        assert.match(empty.stderr, /^error: .*no customers/);
        await assertNothingWritten();
      });
    });
  });
}
