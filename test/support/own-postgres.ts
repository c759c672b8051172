import { execFile } from "node:child_process";
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import pg from "pg";
import { freePort } from "./spawned-service.ts";

const run = promisify(execFile);

/**
 * Why a cluster of the test's own cannot be started here, or null when it can:
 * PostgreSQL refuses to run as root, so the test runs it as the `postgres` OS
 * user through runuser, which only root may do.
 */
export function ownPostgresUnavailable(): string | null {
  if (process.getuid?.() !== 0) {
    return "needs root (to run PostgreSQL as the postgres OS user with runuser)";
  }
  if (postgresBin() === null) {
    return "no PostgreSQL server binaries under /usr/lib/postgresql/*/bin";
  }
  return null;
}

function postgresBin(): string | null {
  const root = "/usr/lib/postgresql";
  if (!existsSync(root)) {
    return null;
  }
  const versions = readdirSync(root).sort((a, b) => Number(b) - Number(a));
  for (const version of versions) {
    const bin = join(root, version, "bin");
    if (existsSync(join(bin, "pg_ctl")) && existsSync(join(bin, "initdb"))) {
      return bin;
    }
  }
  return null;
}

async function ids(): Promise<{ uid: number; gid: number }> {
  const uid = Number((await run("id", ["-u", "postgres"])).stdout.trim());
  const gid = Number((await run("id", ["-g", "postgres"])).stdout.trim());
  return { uid, gid };
}

/**
 * A PostgreSQL cluster of the test's own (never the shared one at 5432): initdb into a
 * temporary folder, trust auth, its own loopback port, started and stopped by the test,
 * so a test may terminate its backends and restart it.
 */
export class OwnPostgres {
  readonly port: number;
  private readonly dir: string;
  private readonly bin: string;

  private constructor(port: number, dir: string, bin: string) {
    this.port = port;
    this.dir = dir;
    this.bin = bin;
  }

  static async create(): Promise<OwnPostgres> {
    const bin = postgresBin();
    if (bin === null) {
      throw new Error("no PostgreSQL binaries");
    }
    const dir = mkdtempSync(join(tmpdir(), "okb-own-pg-"));
    const { uid, gid } = await ids();
    chownSync(dir, uid, gid);
    chmodSync(dir, 0o700);
    const cluster = new OwnPostgres(await freePort(), dir, bin);
    await cluster.asPostgres("initdb", ["-D", cluster.dataDir, "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8"]);
    await cluster.start();
    return cluster;
  }

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  private get dataDir(): string {
    return join(this.dir, "data");
  }

  async start(): Promise<void> {
    const options = `-p ${this.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=${this.dir} -c fsync=off`;
    await this.asPostgres("pg_ctl", ["-D", this.dataDir, "-o", options, "-l", join(this.dir, "log"), "-w", "-t", "30", "start"]);
  }

  /** `-m fast`: every session is ended (57P01), as in a failover or an administrator's restart. */
  async stop(): Promise<void> {
    await this.asPostgres("pg_ctl", ["-D", this.dataDir, "-m", "fast", "-w", "-t", "30", "stop"]);
  }

  /** pg_terminate_backend on every client backend but the caller's own; resolves with how many were ended. */
  async terminateBackends(): Promise<number> {
    const admin = new pg.Client({ connectionString: this.url });
    admin.on("error", () => undefined);
    await admin.connect();
    try {
      const result = await admin.query<{ ended: boolean }>(
        "select pg_terminate_backend(pid) as ended from pg_stat_activity where backend_type = 'client backend' and pid <> pg_backend_pid()",
      );
      return result.rows.filter((row) => row.ended).length;
    } finally {
      await admin.end();
    }
  }

  async destroy(): Promise<void> {
    await this.stop().catch(() => undefined);
    rmSync(this.dir, { recursive: true, force: true });
  }

  private async asPostgres(tool: string, args: string[]): Promise<void> {
    await run("runuser", ["-u", "postgres", "--", join(this.bin, tool), ...args], { cwd: this.dir });
  }
}
