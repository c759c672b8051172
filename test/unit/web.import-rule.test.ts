import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

// docs/architecture.md: web/kernel ← web/<feature> ← web/console; web/app.ts (and ui-text.ts,
// which merges the features' texts) put them together. The web layer takes its services as
// each feature's plugin options, never from src/wiring.
const SRC = new URL("../../src/", import.meta.url).pathname;
const WEB = join(SRC, "web");

function filesUnder(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    return entry.isDirectory() ? filesUnder(path) : entry.name.endsWith(".ts") ? [path] : [];
  });
}

/** The files `file` imports, as paths from src/ ("web/kernel/i18n.ts", "wiring/stores.ts"). */
function importsOf(file: string): string[] {
  const text = readFileSync(file, "utf8");
  return [...text.matchAll(/from\s+"(\.{1,2}\/[^"]+)"/gu)].map((match) => relative(SRC, resolve(dirname(file), match[1] ?? "")));
}

/** The web folder a path belongs to: "kernel", a feature ("account"), "console", or "root" (app.ts, ui-text.ts). */
function webArea(fromSrc: string): string | null {
  if (!fromSrc.startsWith("web/")) {
    return null;
  }
  const parts = fromSrc.split("/");
  return parts.length === 2 ? "root" : (parts[1] ?? null);
}

function allowed(from: string, to: string): boolean {
  if (from === to || from === "root") {
    return true;
  }
  if (from === "kernel") {
    return false;
  }
  // A feature imports the kernel; the console also the features.
  return to === "kernel" || (from === "console" && to !== "root");
}

describe("src/web imports in one direction", () => {
  it("no web file imports src/wiring", () => {
    const offenders = filesUnder(WEB).flatMap((file) => importsOf(file).filter((target) => target.startsWith("wiring/")).map((target) => `${relative(SRC, file)} → ${target}`));
    assert.deepEqual(offenders, []);
  });

  it("the kernel imports no feature, a feature only the kernel, the console the kernel and the features; only app.ts imports the console", () => {
    const offenders: string[] = [];
    for (const file of filesUnder(WEB)) {
      const from = webArea(relative(SRC, file)) ?? "";
      for (const target of importsOf(file)) {
        const to = webArea(target);
        if (to !== null && !allowed(from, to)) {
          offenders.push(`${relative(SRC, file)} → ${target}`);
        }
      }
    }
    assert.deepEqual(offenders, []);
  });

  it("nothing outside src/web imports a web feature or the console (service.ts builds the app from web/app.ts)", () => {
    const outside = filesUnder(SRC).filter((file) => !file.startsWith(`${WEB}/`));
    const offenders = outside.flatMap((file) =>
      importsOf(file)
        .filter((target) => {
          const area = webArea(target);
          return area !== null && area !== "root" && area !== "kernel";
        })
        .map((target) => `${relative(SRC, file)} → ${target}`),
    );
    assert.deepEqual(offenders, []);
  });
});
