import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

// Which folder of src/ may import which (docs/architecture.md, "Which folder may import which"). Every .ts
// file under src/ is read, in every subfolder; every relative import (`import … from`, `export … from`,
// `import "…"`, `import("…")`, `declare module "…"`) is resolved to the file it names, and that file to its
// folder. A failure prints the offending imports, one per line, as `file:line: statement`.

const SRC = fileURLToPath(new URL("../../src/", import.meta.url));

const CORE_FEATURES_ON_LOGIN = ["core/account", "core/passkeys", "core/trading-pin", "core/confirmations", "core/oidc"] as const;
const CORE_FOLDERS = ["core/kernel", "core/mail", "core/login", ...CORE_FEATURES_ON_LOGIN, "core/customers", "core/console"];
const WEB_FEATURES = ["web/login", "web/account", "web/passkeys", "web/trading-pin", "web/confirmations", "web/help", "web/operations", "web/oidc"];

/**
 * The allowed graph, the one table of it: a folder of src/core or src/web → the folders of its own layer it may
 * import (a folder's subfolders belong to it: core/console/operators is core/console; a folder may always import
 * itself). Kept in step with the drawing in docs/architecture.md. A new feature folder needs its row here.
 */
const MAY_IMPORT: Record<string, readonly string[]> = {
  "core/kernel": [],
  "core/mail": ["core/kernel"],
  "core/login": ["core/kernel", "core/mail"],
  ...Object.fromEntries(CORE_FEATURES_ON_LOGIN.map((feature) => [feature, ["core/kernel", "core/mail", "core/login"]])),
  "core/customers": ["core/kernel"],
  "core/console": CORE_FOLDERS,
  "web/kernel": [],
  // A web feature imports only the web kernel (what two features share, such as a passkey's assertion, lives there).
  ...Object.fromEntries(WEB_FEATURES.map((feature) => [feature, ["web/kernel"]])),
  "web/console": ["web/kernel", ...WEB_FEATURES, "web/console"],
};

/** What the core never imports, by package name (a subpath counts too): the web framework, databases, drivers, I/O. */
const FORBIDDEN_PACKAGES = [
  "fastify",
  "@fastify",
  "kysely",
  "pg",
  "better-sqlite3",
  "ioredis",
  "nodemailer",
  ...["http", "https", "net", "fs", "child_process"].flatMap((module) => [`node:${module}`, module]),
];

interface Import {
  /** The importing file, relative to src/ with "/" (core/login/login.ts). */
  from: string;
  line: number;
  statement: string;
  specifier: string;
  /** The imported file relative to src/, for a relative specifier; null for a package. */
  target: string | null;
}

const IMPORT_FORMS = [
  /^[ \t]*(?:import|export)\b[^;"'`]*?\bfrom\s*(["'])([^"']+)\1/gmu, // import … from, export … from (multi-line too)
  /^[ \t]*import\s*(["'])([^"']+)\1/gmu, // import "./side-effect.ts"
  /\bimport\(\s*(["'])([^"']+)\1\s*\)/gu, // import("./later.ts")
  /^[ \t]*declare\s+module\s+(["'])([^"']+)\1/gmu, // declare module "../kernel/ports.ts" (joins AtomicStores)
];

function sourceFiles(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    if (statSync(path).isDirectory()) {
      return sourceFiles(path);
    }
    return name.endsWith(".ts") ? [path] : [];
  });
}

function srcPath(absolute: string): string {
  return relative(SRC, absolute).split(sep).join("/");
}

/** The file a relative specifier names: as written, or with .ts or /index.ts added. */
function resolveRelative(fromFile: string, specifier: string): string {
  const base = resolve(dirname(fromFile), specifier);
  const found = [base, `${base}.ts`, join(base, "index.ts")].find((candidate) => existsSync(candidate) && statSync(candidate).isFile());
  return srcPath(found ?? base);
}

function importsOf(file: string): Import[] {
  const text = readFileSync(file, "utf8");
  const found: Import[] = [];
  for (const form of IMPORT_FORMS) {
    for (const match of text.matchAll(form)) {
      const specifier = match[2] ?? "";
      const statement = match[0].replace(/\s+/gu, " ").trim();
      found.push({
        from: srcPath(file),
        line: text.slice(0, match.index).split("\n").length,
        statement,
        specifier,
        target: specifier.startsWith(".") ? resolveRelative(file, specifier) : null,
      });
    }
  }
  return found;
}

const IMPORTS: Import[] = sourceFiles(SRC)
  .flatMap(importsOf)
  .sort((a, b) => a.from.localeCompare(b.from) || a.line - b.line);

/**
 * The folder a file counts in: core/<feature> and web/<feature> (with their subfolders) for the core and the web
 * layer; for a file of the web layer's root (web/app.ts) the file itself; otherwise the file's top folder of src/.
 */
function folderOf(path: string): string {
  const parts = path.split("/");
  if ((parts[0] === "core" || parts[0] === "web") && parts.length > 2) {
    return `${parts[0]}/${parts[1]}`;
  }
  return parts.length === 1 ? path : parts[0] === "web" ? path : (parts[0] ?? path);
}

function inside(path: string, folder: string): boolean {
  return path.startsWith(`${folder}/`);
}

function shown(offenders: Import[]): string {
  return offenders.map((found) => `  src/${found.from}:${found.line}: ${found.statement}`).join("\n");
}

function assertNone(offenders: Import[], rule: string): void {
  assert.ok(offenders.length === 0, `${rule}; ${offenders.length} import(s) break it:\n${shown(offenders)}`);
}

/** Imports from one folder of the table into another folder of the same layer that its row does not allow. */
function outsideTheTable(layer: "core" | "web", importers: (folder: string) => boolean): Import[] {
  return IMPORTS.filter((found) => {
    if (found.target === null || !inside(found.from, layer) || !inside(found.target, layer)) {
      return false;
    }
    const from = folderOf(found.from);
    const to = folderOf(found.target);
    const allowed = MAY_IMPORT[from];
    return importers(from) && allowed !== undefined && MAY_IMPORT[to] !== undefined && from !== to && !allowed.includes(to);
  });
}

describe("which folder of src/ may import which (docs/architecture.md)", () => {
  it("the walk finds the imports of every subfolder, and every relative import names a file that exists", () => {
    assert.ok(IMPORTS.some((found) => inside(found.from, "core/console/operators")), "no import found under core/console/operators");
    assertNone(
      IMPORTS.filter((found) => found.target !== null && !existsSync(join(SRC, found.target))),
      "every relative import names a file",
    );
  });

  it("every folder of src/core and src/web has its row in the table", () => {
    const folders = new Set(sourceFiles(SRC).map(srcPath).filter((path) => path.split("/").length > 2).map(folderOf));
    const missing = [...folders].filter((folder) => (inside(folder, "core") || inside(folder, "web")) && MAY_IMPORT[folder] === undefined);
    assert.deepEqual(missing, [], "a new feature folder: place it in MAY_IMPORT and in docs/architecture.md");
  });

  it("the core imports nothing outside src/core (web/, adapters/, wiring/, cli/, service.ts, main.ts, config*.ts) and no driver or framework package", () => {
    const fromCore = IMPORTS.filter((found) => inside(found.from, "core"));
    assertNone(
      fromCore.filter((found) => (found.target === null ? FORBIDDEN_PACKAGES.some((name) => found.specifier === name || found.specifier.startsWith(`${name}/`)) : !inside(found.target, "core"))),
      "src/core imports only src/core and pure packages",
    );
  });

  it("each core folder imports only the core folders its row allows: the kernel imports no feature, only the console imports the console", () => {
    assertNone(outsideTheTable("core", () => true), "a core folder imports a core folder its row in MAY_IMPORT does not name");
  });

  it("no web folder but web/console (and web/app.ts, which registers all) imports web/console; a web feature only web/kernel and features", () => {
    assertNone(outsideTheTable("web", (folder) => folder !== "web/kernel"), "a web folder imports a web folder its row in MAY_IMPORT does not name");
  });

  it("outside the core, only web/console, adapters/ (its ports), wiring/, cli/ and service.ts import core/console", () => {
    const mayUseConsole = (path: string): boolean => ["web/console", "adapters", "wiring", "cli"].some((folder) => inside(path, folder)) || path === "service.ts";
    assertNone(
      IMPORTS.filter((found) => !inside(found.from, "core") && found.target !== null && inside(found.target, "core/console") && !mayUseConsole(found.from)),
      "a file outside the core that is not the console's imports core/console",
    );
  });

  it(
    "web/kernel imports no web feature folder",
    () => {
      assertNone(outsideTheTable("web", (folder) => folder === "web/kernel"), "web/kernel imports a web feature");
    },
  );

  it(
    "no file under src/web imports web/app.ts (it registers every feature; nothing depends on it)",
    () => {
      assertNone(
        IMPORTS.filter((found) => inside(found.from, "web") && found.target === "web/app.ts"),
        "a file of src/web imports web/app.ts",
      );
    },
  );

  it(
    "nothing under src/web imports src/wiring",
    () => {
      assertNone(
        IMPORTS.filter((found) => inside(found.from, "web") && found.target !== null && inside(found.target, "wiring")),
        "a file of src/web imports src/wiring",
      );
    },
  );

  it("nothing outside src/web imports a web feature or the console: service.ts builds the app from web/app.ts", () => {
    assertNone(
      IMPORTS.filter((found) => !inside(found.from, "web") && found.target !== null && inside(found.target, "web") && !inside(found.target, "web/kernel") && found.target !== "web/app.ts"),
      "a file outside src/web imports a web feature",
    );
  });
});
