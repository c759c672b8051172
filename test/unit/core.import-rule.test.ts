import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const CORE = new URL("../../src/core/", import.meta.url).pathname;
// The core knows no HTTP and no SQL (STYLE 2): only its own files, node:crypto and pure helpers.
const FORBIDDEN = /from\s+["'](\.\.\/(?:web|adapters|cli)\/|\.\.\/(?:service|main|config)\.ts|fastify|@fastify\/|kysely|pg|better-sqlite3|ioredis|nodemailer|node:(?:http|https|net|fs|child_process))/u;

describe("src/core imports nothing from the layers around it", () => {
  it("no core file imports web/, adapters/, cli/, the wiring, fastify, kysely, a database or mail driver, or node:http/net", () => {
    const offenders: string[] = [];
    for (const file of readdirSync(CORE).filter((name) => name.endsWith(".ts"))) {
      const lines = readFileSync(join(CORE, file), "utf8").split("\n");
      for (const [index, line] of lines.entries()) {
        if (FORBIDDEN.test(line)) {
          offenders.push(`${file}:${index + 1}: ${line.trim()}`);
        }
      }
    }
    assert.deepEqual(offenders, []);
  });
});
