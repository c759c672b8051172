// `npm run build`: compiles src/ to plain JavaScript for `node dist/main.js`
// (no type stripping at run time), with tsc and tsconfig.build.json (type checked; the `.ts`
// import extensions rewritten to `.js`), then copies the files the code reads at
// run time (views, the stylesheet) next to the compiled code: render.ts and
// static.ts find them relative to their own file, in src/ and in dist/
// alike.
//
//   scripts/node.sh scripts/build.ts [--out-dir DIR]     (default: dist)
//
// The output directory is emptied first, so nothing of a deleted source survives.
import { spawnSync } from "node:child_process";
import { cpSync, readdirSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const REPO_ROOT = fileURLToPath(new URL("..", import.meta.url));
const SOURCE_DIR = join(REPO_ROOT, "src");

/** Files under src/ that are not code: the compiled program reads them (READMEs are for people). */
function runtimeAssets(dir: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      found.push(...runtimeAssets(path));
    } else if (!entry.name.endsWith(".ts") && entry.name !== "README.md") {
      found.push(path);
    }
  }
  return found;
}

/** Refuses an output directory whose emptying would delete sources (the repository, src/, a parent). */
function checkOutDir(outDir: string): void {
  const inside = (child: string, parent: string): boolean => child === parent || child.startsWith(parent.endsWith(sep) ? parent : parent + sep);
  if (inside(resolve(REPO_ROOT), outDir) || inside(outDir, resolve(SOURCE_DIR))) {
    throw new Error(`build: refusing --out-dir ${outDir}: emptying it would delete sources`);
  }
}

/** Empties the output directory, compiles, copies the assets. */
function main(): void {
  const { values } = parseArgs({ options: { "out-dir": { type: "string" } }, strict: true });
  const outDir = resolve(values["out-dir"] ?? join(REPO_ROOT, "dist"));
  checkOutDir(outDir);
  rmSync(outDir, { recursive: true, force: true });

  // The package's bin (TypeScript 7 exports no `typescript/bin/tsc`), found beside its package.json.
  const tsc = join(dirname(createRequire(import.meta.url).resolve("typescript/package.json")), "bin", "tsc");
  const compiled = spawnSync(process.execPath, [tsc, "-p", join(REPO_ROOT, "tsconfig.build.json"), "--outDir", outDir], { stdio: "inherit" });
  if (compiled.status !== 0) {
    process.exitCode = compiled.status ?? 1;
    return;
  }

  const assets = runtimeAssets(SOURCE_DIR);
  for (const asset of assets) {
    const target = join(outDir, relative(SOURCE_DIR, asset));
    cpSync(asset, target);
  }
  process.stdout.write(`built ${relative(process.cwd(), outDir) || "."}/ (${assets.length} views and static files copied)\n`);
}

main();
