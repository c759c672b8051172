import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { connect } from "node:net";
import { freePort } from "./spawned-service.ts";

const REDIS_SERVER = "/usr/bin/redis-server";

/** Why a Redis of the test's own cannot be started here, or null when it can. */
export function ownRedisUnavailable(): string | null {
  return existsSync(REDIS_SERVER) ? null : `no ${REDIS_SERVER}`;
}

/**
 * A redis-server of the test's own on a free loopback port (never the shared one at
 * 6379), so the test may stop it with SIGSTOP (it keeps accepting connections and
 * answers nothing, issue 17 §4) and wake it with SIGCONT.
 */
export class OwnRedis {
  readonly port: number;
  private readonly child: ChildProcess;

  private constructor(port: number, child: ChildProcess) {
    this.port = port;
    this.child = child;
  }

  static async start(): Promise<OwnRedis> {
    const port = await freePort();
    const child = spawn(REDIS_SERVER, ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no"], { stdio: "ignore" });
    const redis = new OwnRedis(port, child);
    const deadline = Date.now() + 10_000;
    while (!(await redis.answersPing())) {
      if (Date.now() > deadline || child.exitCode !== null) {
        child.kill("SIGKILL");
        throw new Error(`redis-server did not start on port ${port}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** The process stops; the kernel still accepts connections for it, nothing answers. */
  pause(): void {
    this.child.kill("SIGSTOP");
  }

  resume(): void {
    this.child.kill("SIGCONT");
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) {
      return;
    }
    const exited = new Promise((resolve) => this.child.once("exit", resolve));
    this.child.kill("SIGCONT");
    this.child.kill("SIGKILL");
    await exited;
  }

  private answersPing(): Promise<boolean> {
    return new Promise((resolve) => {
      const socket = connect(this.port, "127.0.0.1");
      const done = (ok: boolean): void => {
        socket.destroy();
        resolve(ok);
      };
      socket.setTimeout(500, () => done(false));
      socket.on("error", () => done(false));
      socket.on("connect", () => socket.write("PING\r\n"));
      socket.on("data", (data) => done(data.toString().startsWith("+PONG")));
    });
  }
}
