import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { spawnService } from "../support/spawned-service.ts";

// Issue 18 §1: the project runs on Node.js 24 LTS even where the system `node` is older
// (scripts/node.sh brings the pinned one); `npm test` runs this runner on it, and the
// service the tests start as its own process runs on the same Node.
const MINIMUM_MAJOR = 24;

function majorOf(version: string): number {
  return Number(version.replace(/^v/, "").split(".")[0]);
}

describe("runtime: Node.js 24 LTS (issue 18)", { timeout: 60_000 }, () => {
  it(`the test runner runs on Node ${MINIMUM_MAJOR} or later, stripping the types itself (no tsx loaded)`, () => {
    assert.ok(majorOf(process.versions.node) >= MINIMUM_MAJOR, `test runner on Node ${process.versions.node}`);
    assert.equal(
      process.execArgv.some((argument) => argument.includes("tsx")),
      false,
      `execArgv ${process.execArgv.join(" ")}`,
    );
  });

  it(`a spawned server (node src/main.ts) says it runs on Node ${MINIMUM_MAJOR} or later`, async (context) => {
    const dir = mkdtempSync(join(tmpdir(), "okb-node-version-"));
    context.after(() => rmSync(dir, { recursive: true, force: true }));
    const service = await spawnService({ DATABASE_URL: `sqlite:${join(dir, "db.sqlite")}` });
    context.after(async () => {
      await service.stop();
    });
    const printed = /^Node\.js (v\d+\.\d+\.\d+)$/m.exec(service.output());
    assert.ok(printed?.[1] !== undefined, `no Node.js line in the start-up text:\n${service.output()}`);
    assert.ok(majorOf(printed[1]) >= MINIMUM_MAJOR, `server on Node ${printed[1]}`);
    assert.equal(await service.stop(), 0);
  });
});
