import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { pathToFileURL } from "node:url";
import { AuthError, ERROR_CODES } from "../../src/core/kernel/errors.ts";

const SRC = new URL("../../src/", import.meta.url).pathname;

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      return tsFiles(path);
    }
    return entry.name.endsWith(".ts") ? [path] : [];
  });
}

type ErrorClass = (abstract new (...args: never[]) => AuthError) & { code?: unknown };

/** Every AuthError subclass exported from src/core (where errors live: STYLE 13), by name. */
async function exportedErrorClasses(): Promise<Map<ErrorClass, string>> {
  const classes = new Map<ErrorClass, string>();
  for (const file of tsFiles(join(SRC, "core"))) {
    const exports = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
    for (const [name, value] of Object.entries(exports)) {
      if (typeof value === "function" && value.prototype instanceof AuthError) {
        classes.set(value as ErrorClass, `${relative(SRC, file)}: ${name}`);
      }
    }
  }
  return classes;
}

describe("one error class per code (STYLE 13): a code's variants are reasons, not classes", () => {
  it("each code of ERROR_CODES is made by exactly one exported AuthError subclass, named by its static code", async () => {
    const byCode = new Map<string, string[]>();
    for (const [errorClass, name] of await exportedErrorClasses()) {
      // `code` as read on the class, inherited too: a subclass of a coded class is a second class for its code.
      if (typeof errorClass.code === "string") {
        byCode.set(errorClass.code, [...(byCode.get(errorClass.code) ?? []), name]);
      }
    }
    const offenders = ERROR_CODES.filter((code) => byCode.get(code)?.length !== 1).map((code) => `${code}: ${(byCode.get(code) ?? ["no class"]).join(", ")}`);
    assert.deepEqual(offenders, []);
    assert.deepEqual([...byCode.keys()].filter((code) => !(ERROR_CODES as readonly string[]).includes(code)), [], "a class with a code outside ERROR_CODES");
  });

  it("no error class is declared outside src/core (the web layer, adapters and CLI throw the core's)", async () => {
    const names = ["AuthError", ...[...(await exportedErrorClasses()).values()].map((name) => name.split(": ")[1] ?? "")];
    const extendsOne = new RegExp(`class \\w+ extends (?:${names.join("|")})\\b`, "u");
    const declared = tsFiles(SRC)
      .filter((file) => !file.startsWith(join(SRC, "core")) && extendsOne.test(readFileSync(file, "utf8")))
      .map((file) => relative(SRC, file));
    assert.deepEqual(declared, []);
  });
});
