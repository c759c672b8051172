import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { runCli } from "../support/run-cli.ts";
import { openDatabase } from "../../src/adapters/db/connect.ts";
import { createCustomerStore } from "../../src/adapters/db/stores/customer-store.ts";
import { createArgon2Hasher } from "../../src/adapters/crypto/argon2-hasher.ts";
import type { Customer } from "../../src/core/kernel/ports.ts";
import { sqliteFolders } from "./cli-databases.ts";
import type { SqliteLocation } from "./cli-databases.ts";

// `customer add` needs a migrated database (test/cli/mistyped-database-url.test.ts); `migrate` makes one.
const folders = sqliteFolders();

async function readCustomers(databaseUrl: string, loginId: string): Promise<{ customer: Customer | null; count: number }> {
  const database = openDatabase(databaseUrl);
  try {
    const store = createCustomerStore(database.db);
    return { customer: await store.findByLoginId(loginId), count: await store.count() };
  } finally {
    await database.close();
  }
}

function addArgs(loginId: string, email: string, name: string, birthDate = "1980-01-31"): string[] {
  return ["customer", "add", "--login-id", loginId, "--email", email, "--name", name, "--birth-date", birthDate];
}

const PASSWORD = "correct horse 7";

// verify() reads the cost parameters from the stored hash; these only matter for hash().
const hasher = createArgon2Hasher({ memoryKiB: 19456, timeCost: 2, parallelism: 1 });

describe("customer add (CLI)", () => {
  after(() => {
    folders.removeAll();
  });

  it("adds a customer to a freshly migrated database with an argon2id hash of the password from stdin, never the password itself", async () => {
    const db = await folders.migrated();
    const run = await runCli(addArgs("tanaka01", "tanaka@example.co.jp", "田中 一郎"), { databaseUrl: db.url, stdin: `${PASSWORD}\n` });
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /tanaka01/);
    assert.ok(!run.stdout.includes(PASSWORD) && !run.stderr.includes(PASSWORD), "the password is never printed");

    const { customer, count } = await readCustomers(db.url, "tanaka01");
    assert.equal(count, 1);
    assert.ok(customer !== null);
    assert.equal(customer.email, "tanaka@example.co.jp");
    assert.equal(customer.name, "田中 一郎");
    assert.equal(customer.mfaEnabled, true, "MFA is on unless asked otherwise");
    assert.equal(customer.birthDate, "1980-01-31");
    assert.ok(customer.passwordHash.startsWith("$argon2id$"), customer.passwordHash);
    assert.ok(!customer.passwordHash.includes(PASSWORD));
    assert.equal(await hasher.verify(customer.passwordHash, PASSWORD), true, "the stored hash verifies the password without its newline");
  });

  it("takes only the first line of stdin as the password and drops its CR LF", async () => {
    const db = await folders.migrated();
    const run = await runCli(addArgs("crlf01", "crlf@example.co.jp", "CRLF"), { databaseUrl: db.url, stdin: `${PASSWORD}\r\nsecond line\n` });
    assert.equal(run.status, 0, run.stderr);
    const { customer } = await readCustomers(db.url, "crlf01");
    assert.ok(customer !== null);
    assert.equal(await hasher.verify(customer.passwordHash, PASSWORD), true);
    assert.equal(await hasher.verify(customer.passwordHash, `${PASSWORD}\r`), false);
  });

  describe("refuses bad input with exit 2, one error line, and no change to the database", () => {
    let db: SqliteLocation;
    let first: Customer;

    before(async () => {
      db = await folders.migrated();
      const run = await runCli(addArgs("sato01", "sato@example.co.jp", "佐藤 花子"), { databaseUrl: db.url, stdin: `${PASSWORD}\n` });
      assert.equal(run.status, 0, run.stderr);
      const { customer } = await readCustomers(db.url, "sato01");
      assert.ok(customer !== null, "the first customer is added");
      first = customer;
    });

    it("a login ID that is taken: names the ID and leaves the first customer as it was", async () => {
      const run = await runCli(addArgs("sato01", "other@example.co.jp", "Impostor"), { databaseUrl: db.url, stdin: "another password 9\n" });
      assert.equal(run.status, 2);
      assert.match(run.stderr, /^error: .*sato01/);
      assert.equal(run.stdout, "");
      const { customer, count } = await readCustomers(db.url, "sato01");
      assert.equal(count, 1);
      assert.deepEqual(customer, first);
    });

    it("a bad e-mail address", async () => {
      const run = await runCli(addArgs("suzuki01", "not-an-address", "鈴木"), { databaseUrl: db.url, stdin: `${PASSWORD}\n` });
      assert.equal(run.status, 2);
      assert.match(run.stderr, /^error: .*e-mail address/);
      const { customer, count } = await readCustomers(db.url, "suzuki01");
      assert.equal(customer, null);
      assert.equal(count, 1);
    });

    it("a password shorter than 8 characters, without echoing it", async () => {
      const run = await runCli(addArgs("suzuki01", "suzuki@example.co.jp", "鈴木"), { databaseUrl: db.url, stdin: "Sh0rt!x\n" });
      assert.equal(run.status, 2);
      assert.match(run.stderr, /^error: .*at least 8 characters/);
      assert.ok(!run.stderr.includes("Sh0rt!x"));
      const { customer, count } = await readCustomers(db.url, "suzuki01");
      assert.equal(customer, null);
      assert.equal(count, 1);
    });

    it("nothing on stdin", async () => {
      const run = await runCli(addArgs("suzuki01", "suzuki@example.co.jp", "鈴木"), { databaseUrl: db.url, stdin: "" });
      assert.equal(run.status, 2);
      assert.match(run.stderr, /^error: .*no password on standard input/);
      assert.equal((await readCustomers(db.url, "suzuki01")).count, 1);
    });

    it("a missing --email, with the usage text", async () => {
      const run = await runCli(["customer", "add", "--login-id", "suzuki01", "--name", "鈴木"], { databaseUrl: db.url, stdin: `${PASSWORD}\n` });
      assert.equal(run.status, 2);
      assert.match(run.stderr, /^error: .*missing --email\n/);
      assert.match(run.stderr, /usage:/);
      assert.equal((await readCustomers(db.url, "suzuki01")).count, 1);
    });

    it("a missing --birth-date, with the usage text (every new customer has one, issue 11)", async () => {
      const run = await runCli(["customer", "add", "--login-id", "suzuki01", "--email", "suzuki@example.co.jp", "--name", "鈴木"], { databaseUrl: db.url, stdin: `${PASSWORD}\n` });
      assert.equal(run.status, 2);
      assert.match(run.stderr, /^error: .*missing --birth-date\n/);
      assert.match(run.stderr, /usage:[\s\S]*--birth-date YYYY-MM-DD/);
      assert.equal((await readCustomers(db.url, "suzuki01")).count, 1);
    });

    const BAD_BIRTH_DATES: Record<string, string> = {
      "a day that does not exist": "1980-02-30",
      "a date in the future": "2999-01-01",
      "a date before 1900": "1899-12-31",
      "another format": "1980/01/31",
    };
    for (const [label, birthDate] of Object.entries(BAD_BIRTH_DATES)) {
      it(`a birth date that is ${label} (${birthDate}): one error line, nothing written`, async () => {
        const run = await runCli(addArgs("suzuki01", "suzuki@example.co.jp", "鈴木", birthDate), { databaseUrl: db.url, stdin: `${PASSWORD}\n` });
        assert.equal(run.status, 2, run.stdout + run.stderr);
        assert.match(run.stderr, /^error: birth date must be a real date written YYYY-MM-DD[^\n]*\n$/);
        assert.equal(run.stdout, "");
        const { customer, count } = await readCustomers(db.url, "suzuki01");
        assert.equal(customer, null);
        assert.equal(count, 1);
      });
    }

    it("an unknown flag", async () => {
      const run = await runCli([...addArgs("suzuki01", "suzuki@example.co.jp", "鈴木"), "--admin"], { databaseUrl: db.url, stdin: `${PASSWORD}\n` });
      assert.equal(run.status, 2);
      assert.match(run.stderr, /^error: .*--admin/);
      assert.equal((await readCustomers(db.url, "suzuki01")).count, 1);
    });

    it("an unknown customer subcommand, with the usage text", async () => {
      const run = await runCli(["customer", "remove", "sato01"], { databaseUrl: db.url });
      assert.equal(run.status, 2);
      assert.match(run.stderr, /^error: unknown command "customer remove"\n/);
      assert.match(run.stderr, /usage:/);
      assert.equal((await readCustomers(db.url, "sato01")).count, 1);
    });
  });

  it("stores a birth date typed with the IME on (full-width digits and hyphen) as YYYY-MM-DD", async () => {
    const db = await folders.migrated();
    const run = await runCli(addArgs("ime01", "ime@example.co.jp", "入力 花子", "１９７５－１２－０３"), { databaseUrl: db.url, stdin: `${PASSWORD}\n` });
    assert.equal(run.status, 0, run.stderr);
    assert.equal((await readCustomers(db.url, "ime01")).customer?.birthDate, "1975-12-03");
  });

  it("leaves no database file behind when the input is bad", async () => {
    const db = folders.missing();
    const run = await runCli(addArgs("ito01", "ito@example.co.jp", "伊藤"), { databaseUrl: db.url, stdin: "short\n" });
    assert.equal(run.status, 2);
    assert.equal(existsSync(db.path), false);
  });
});
