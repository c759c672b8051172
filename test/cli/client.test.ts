import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createHash, randomUUID } from "node:crypto";
import type { Selectable } from "kysely";
import type { DatabaseHandle } from "../../src/adapters/db/connect.ts";
import type { OidcClientsTable } from "../../src/adapters/db/schema.ts";
import { openDatabase } from "../../src/adapters/db/connect.ts";
import { runCli } from "../support/run-cli.ts";
import type { CliRun } from "../support/run-cli.ts";
import { seedCustomer } from "../support/db-backends.ts";
import { CLI_DATABASES } from "./cli-databases.ts";
import type { CliDatabase } from "./cli-databases.ts";

const SECRET_LINE = /^client_secret: ([A-Za-z0-9_-]{43})$/gm;

function sha256Hex(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/** The one secret a run printed, after checking it was printed exactly once, alone on its line, on stdout only. */
function printedSecret(run: CliRun): string {
  const lines = [...run.stdout.matchAll(SECRET_LINE)];
  assert.equal(lines.length, 1, run.stdout);
  const secret = lines[0]?.[1] ?? "";
  assert.equal(run.stdout.split(secret).length, 2, "the secret appears once");
  assert.ok(!run.stderr.includes(secret), "never on stderr");
  return secret;
}

// Issue 20 item 2: relying parties registered from the command line (DESIGN §7), on both databases.
for (const backend of CLI_DATABASES) {
  describe(`client add / list / rotate-secret / remove (CLI, ${backend.name})`, () => {
    let db: CliDatabase;
    let handle: DatabaseHandle;
    before(async () => {
      db = await backend.migrated();
      handle = openDatabase(db.url);
    });
    after(async () => {
      await handle.close();
      await db.remove();
    });

    const cli = (args: string[]): Promise<CliRun> => runCli(["client", ...args], { databaseUrl: db.url });
    const addArgs = (clientId: string, ...more: string[]): string[] => ["add", "--client-id", clientId, "--name", "OKB トレード", "--redirect-uri", "https://trade.example.jp/callback", ...more];
    const row = async (clientId: string): Promise<Selectable<OidcClientsTable> | undefined> =>
      handle.db.selectFrom("oidc_clients").selectAll().where("client_id", "=", clientId).executeTakeFirst();
    const allRows = (): Promise<Array<Selectable<OidcClientsTable>>> => handle.db.selectFrom("oidc_clients").selectAll().orderBy("client_id").execute();

    it("lists no clients on a new database", async () => {
      const run = await cli(["list"]);
      assert.equal(run.status, 0, run.stderr);
      assert.equal(run.stdout, "no clients registered\n");
    });

    it("adds a confidential client: its secret printed once on its own line, the database keeping only its SHA-256", async () => {
      const run = await cli(
        addArgs(
          "trade-site",
          "--redirect-uri", "http://localhost:8080/callback",
          "--redirect-uri", "http://127.0.0.1/cb?app=1",
          "--redirect-uri", "http://[::1]:3000/cb",
          "--post-logout-redirect-uri", "https://trade.example.jp/",
          "--post-logout-redirect-uri", "https://trade.example.jp/bye",
          "--backchannel-logout-uri", "https://trade.example.jp/backchannel-logout",
        ),
      );
      assert.equal(run.status, 0, run.stderr);
      const secret = printedSecret(run);
      assert.match(run.stdout, /^added client trade-site \(confidential\)$/m);
      const stored = await row("trade-site");
      assert.ok(stored !== undefined);
      assert.equal(stored.secret_hash, sha256Hex(secret));
      assert.ok(!JSON.stringify(stored).includes(secret), "the secret itself is in no column");
      assert.equal(stored.name, "OKB トレード");
      assert.deepEqual(JSON.parse(stored.redirect_uris), ["https://trade.example.jp/callback", "http://localhost:8080/callback", "http://127.0.0.1/cb?app=1", "http://[::1]:3000/cb"]);
      assert.deepEqual(JSON.parse(stored.post_logout_redirect_uris), ["https://trade.example.jp/", "https://trade.example.jp/bye"]);
      assert.equal(stored.backchannel_logout_uri, "https://trade.example.jp/backchannel-logout");
      assert.ok(Math.abs(Number(stored.created_at) - Date.now()) < 60_000);
    });

    it("adds a public client (--public): no secret printed, none stored", async () => {
      const run = await cli(["add", "--client-id", "okb.app", "--name", "OKB アプリ", "--redirect-uri", "https://app.example.jp/oauth/callback", "--public"]);
      assert.equal(run.status, 0, run.stderr);
      assert.equal(run.stdout, "added client okb.app (public: PKCE, no secret)\n");
      assert.doesNotMatch(run.stdout + run.stderr, /client_secret/);
      const stored = await row("okb.app");
      assert.equal(stored?.secret_hash, null);
      assert.equal(stored?.backchannel_logout_uri, null);
      assert.equal(stored?.post_logout_redirect_uris, "[]");
    });

    it("lists every client with its kind, URIs and creation time in Japan time, never a secret's hash", async () => {
      const run = await cli(["list"]);
      assert.equal(run.status, 0, run.stderr);
      assert.match(run.stdout, /^trade-site {2}OKB トレード \(confidential\)$/m);
      assert.match(run.stdout, /^okb\.app {2}OKB アプリ \(public\)$/m);
      assert.match(run.stdout, /^ {2}redirect URIs: https:\/\/trade\.example\.jp\/callback http:\/\/localhost:8080\/callback http:\/\/127\.0\.0\.1\/cb\?app=1 http:\/\/\[::1\]:3000\/cb$/m);
      assert.match(run.stdout, /^ {2}post-logout redirect URIs: https:\/\/trade\.example\.jp\/ https:\/\/trade\.example\.jp\/bye$/m);
      assert.match(run.stdout, /^ {2}back-channel logout URI: https:\/\/trade\.example\.jp\/backchannel-logout$/m);
      assert.match(run.stdout, /^ {2}post-logout redirect URIs: \(none\)$/m, "the public client has none");
      assert.equal([...run.stdout.matchAll(/^ {2}created: \d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2} JST$/gm)].length, 2);
      assert.doesNotMatch(run.stdout, /[0-9a-f]{64}/, "no hash");
    });

    it("refuses a client ID that is taken: exit 1, no secret, the first client unchanged", async () => {
      const before = await row("trade-site");
      const run = await cli(addArgs("trade-site", "--public"));
      assert.equal(run.status, 1);
      assert.equal(run.stderr, "error: client ID already exists: trade-site\n");
      assert.equal(run.stdout, "");
      assert.deepEqual(await row("trade-site"), before);
    });

    it("refuses bad input with a clear error, exit 1, and writes nothing", async () => {
      const cases: Array<[string, string[], RegExp]> = [
        ["http outside localhost", addArgs("rp-http", "--redirect-uri", "http://trade.example.jp/cb"), /redirect URI http:\/\/trade\.example\.jp\/cb must use https \(http only on localhost, 127\.0\.0\.1 or \[::1\]\)/],
        ["a host that only starts with localhost", addArgs("rp-http2", "--redirect-uri", "http://localhost.example.jp/cb"), /must use https/],
        ["a fragment", addArgs("rp-frag", "--redirect-uri", "https://trade.example.jp/cb#top"), /must not have a fragment/],
        ["an empty fragment", addArgs("rp-frag2", "--post-logout-redirect-uri", "https://trade.example.jp/#"), /post-logout redirect URI .* must not have a fragment/],
        ["user:password", addArgs("rp-user", "--backchannel-logout-uri", "https://rp:pw@trade.example.jp/bc"), /back-channel logout URI .* must not carry a user name or password/],
        ["a relative URI", addArgs("rp-rel", "--redirect-uri", "/callback"), /is not an absolute URI/],
        ["a custom scheme", addArgs("rp-scheme", "--redirect-uri", "jp.example.app:/cb"), /must use https/],
        ["a URI not in canonical form", addArgs("rp-canon", "--redirect-uri", "HTTPS://Trade.example.jp:443/cb"), /not written in its canonical form: write https:\/\/trade\.example\.jp\/cb/],
        ["a space in a URI", addArgs("rp-space", "--redirect-uri", "https://trade.example.jp/c b"), /visible ASCII without spaces/],
        ["a redirect URI twice", addArgs("rp-twice", "--redirect-uri", "https://trade.example.jp/callback"), /redirect URI https:\/\/trade\.example\.jp\/callback is given twice/],
        ["an upper-case ID", addArgs("Trade-Site"), /client ID must be 3-64 characters/],
        ["a short ID", addArgs("rp"), /client ID must be 3-64 characters/],
        ["an ID starting with a dot", addArgs(".rp-dot"), /client ID must be 3-64 characters/],
        ["a name with a bidi override", ["add", "--client-id", "rp-bidi", "--name", "OKB\u202Eトレード", "--redirect-uri", "https://a.example.jp/cb"], /name must be readable text of 1-100 characters: .*U\+202E/],
        ["a name that is a web address", ["add", "--client-id", "rp-url", "--name", "trade.example.jp", "--redirect-uri", "https://a.example.jp/cb"], /name must be readable text .* web address/],
        ["a blank name", ["add", "--client-id", "rp-blank", "--name", " ", "--redirect-uri", "https://a.example.jp/cb"], /name must be readable text .* empty or blank/],
        ["no --redirect-uri", ["add", "--client-id", "rp-none", "--name", "x"], /client add: missing --redirect-uri/],
        ["no --client-id", ["add", "--name", "x", "--redirect-uri", "https://a.example.jp/cb"], /client add: missing --client-id/],
        ["no --name", ["add", "--client-id", "rp-noname", "--redirect-uri", "https://a.example.jp/cb"], /client add: missing --name/],
        ["two back-channel URIs", addArgs("rp-bc2", "--backchannel-logout-uri", "https://a.example.jp/1", "--backchannel-logout-uri", "https://a.example.jp/2"), /--backchannel-logout-uri given more than once/],
        ["an unknown flag", addArgs("rp-flag", "--secret", "mine"), /client add: Unknown option '--secret'/],
        ["a stray argument", [...addArgs("rp-stray"), "extra"], /client add: Unexpected argument 'extra'/],
      ];
      const before = await allRows();
      for (const [label, args, message] of cases) {
        const run = await cli(args);
        assert.equal(run.status, 1, `${label}: ${run.stderr}`);
        assert.match(run.stderr, /^error: /, label);
        assert.match(run.stderr, message, label);
        assert.equal(run.stderr.split("\n").length, 2, `${label}: one line`);
        assert.equal(run.stdout, "", label);
      }
      assert.deepEqual(await allRows(), before, "nothing written");
    });

    it("rotate-secret prints a new secret once; only its hash is kept, the old one is gone", async () => {
      const before = await row("trade-site");
      assert.ok(before?.secret_hash);
      const run = await cli(["rotate-secret", "--client-id", "trade-site"]);
      assert.equal(run.status, 0, run.stderr);
      const secret = printedSecret(run);
      const after = await row("trade-site");
      assert.equal(after?.secret_hash, sha256Hex(secret));
      assert.notEqual(after?.secret_hash, before.secret_hash, "a new secret");
      assert.ok(!JSON.stringify(await allRows()).includes(before.secret_hash), "the old hash is nowhere");
      assert.ok(after?.secret_rotated_at !== null);
      const again = await cli(["rotate-secret", "--client-id", "trade-site"]);
      assert.notEqual(printedSecret(again), secret);
    });

    it("rotate-secret refuses a public client and an unknown one (exit 1, nothing written)", async () => {
      const before = await allRows();
      const publicClient = await cli(["rotate-secret", "--client-id", "okb.app"]);
      assert.equal(publicClient.status, 1);
      assert.equal(publicClient.stderr, "error: client okb.app is public (PKCE only): it has no secret to rotate\n");
      const unknown = await cli(["rotate-secret", "--client-id", "no-such-client"]);
      assert.equal(unknown.status, 1);
      assert.equal(unknown.stderr, "error: unknown client ID: no-such-client\n");
      const missing = await cli(["rotate-secret"]);
      assert.equal(missing.status, 1);
      assert.match(missing.stderr, /^error: client rotate-secret: missing --client-id$/m);
      assert.equal(publicClient.stdout + unknown.stdout + missing.stdout, "");
      assert.deepEqual(await allRows(), before);
    });

    it("remove ends the client's live connections and deletes its grants' tokens; an unknown client exits 1", async () => {
      const unknown = await cli(["remove", "--client-id", "no-such-client"]);
      assert.equal(unknown.status, 1);
      assert.equal(unknown.stderr, "error: unknown client ID: no-such-client\n");

      const customer = await seedCustomer(handle);
      const connection = async (clientId: string): Promise<{ id: string; grantId: string }> => {
        const made = { id: randomUUID(), grantId: `grant-${randomUUID()}` };
        await handle.db
          .insertInto("oidc_connections")
          .values({ id: made.id, customer_id: customer.id, client_id: clientId, grant_id: made.grantId, sid: randomUUID(), session_id_hash: sha256Hex(randomUUID()), created_at: 1, last_used_at: 1, ended_at: null, end_reason: null })
          .execute();
        for (const model of ["AccessToken", "RefreshToken"]) {
          await handle.db
            .insertInto("oidc_payloads")
            .values({ model, id_hash: sha256Hex(`${model}-${made.grantId}`), payload: "{}", grant_id: made.grantId, uid: null, user_code_hash: null, expires_at: null, consumed_at: null })
            .execute();
        }
        return made;
      };
      const removed = await connection("trade-site");
      const kept = await connection("okb.app");

      const run = await cli(["remove", "--client-id", "trade-site"]);
      assert.equal(run.status, 0, run.stderr);
      assert.equal(run.stdout, "removed client trade-site; its connections ended and their tokens were deleted\n");
      assert.equal(await row("trade-site"), undefined);
      const ended = await handle.db.selectFrom("oidc_connections").select(["ended_at", "end_reason"]).where("id", "=", removed.id).executeTakeFirstOrThrow();
      assert.equal(ended.end_reason, "client_removed");
      assert.ok(ended.ended_at !== null && Math.abs(Number(ended.ended_at) - Date.now()) < 60_000);
      const tokens = await handle.db.selectFrom("oidc_payloads").select(["grant_id"]).execute();
      assert.deepEqual(tokens.map((token) => token.grant_id), [kept.grantId, kept.grantId], "only the other client's tokens are left");
      const other = await handle.db.selectFrom("oidc_connections").select(["ended_at"]).where("id", "=", kept.id).executeTakeFirstOrThrow();
      assert.equal(other.ended_at, null);

      assert.doesNotMatch((await cli(["list"])).stdout, /trade-site/);
      const twice = await cli(["remove", "--client-id", "trade-site"]);
      assert.equal(twice.status, 1);
    });
  });
}
