import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

// Docs that stay true (issue 19): every folder of src/ has a README.md naming each of its files and
// subfolders (as `name` in backticks) and naming nothing of its own that is gone. A name without a
// slash and with a file's extension, or ending in "/", is read as this folder's own; a file of
// another folder is written with its path (`src/core/kernel/errors.ts`, `../render.ts`).

const SRC = fileURLToPath(new URL("../../src/", import.meta.url));
const README = "README.md";

/** No folder of src/ holds more than this many files, its README aside (issue 19). */
const MAX_FILES_PER_FOLDER = 25;

const OWN_FILE = /^[\w.-]+\.(?:ts|js|mjs|cjs|eta|css|json|sql|md|html|txt)$/u;
const OWN_FOLDER = /^[\w.-]+\/$/u;

interface Folder {
  /** Relative to the repository (src/core/kernel). */
  name: string;
  path: string;
  files: string[];
  folders: string[];
}

function foldersUnder(path: string): Folder[] {
  const entries = readdirSync(path, { withFileTypes: true });
  const folders = entries.filter((entry) => entry.isDirectory()).map((entry) => entry.name).sort();
  const here: Folder = {
    name: relative(join(SRC, ".."), path).split("\\").join("/"),
    path,
    files: entries.filter((entry) => entry.isFile() && entry.name !== README).map((entry) => entry.name).sort(),
    folders,
  };
  return [here, ...folders.flatMap((folder) => foldersUnder(join(path, folder)))];
}

const FOLDERS = foldersUnder(SRC);

/** Every `…` span of the README, as written. */
function backticked(text: string): Set<string> {
  return new Set([...text.matchAll(/`([^`\n]+)`/gu)].map((match) => match[1] ?? ""));
}

describe("every folder of src/ has a README that names its files, and only files it has", () => {
  it("the walk sees src/ and its nested folders", () => {
    const names = FOLDERS.map((folder) => folder.name);
    assert.ok(names.includes("src") && names.includes("src/core/console/operators"), names.join(", "));
  });

  it("each folder has a README.md", () => {
    const missing = FOLDERS.filter((folder) => !existsSync(join(folder.path, README))).map((folder) => `${folder.name}/${README}`);
    assert.deepEqual(missing, [], `write a README.md (one line per file) in:\n  ${missing.join("\n  ")}`);
  });

  it("each README names every file (`name.ts`) and subfolder (`name/`) of its folder", () => {
    const unnamed: string[] = [];
    for (const folder of FOLDERS.filter((candidate) => existsSync(join(candidate.path, README)))) {
      const named = backticked(readFileSync(join(folder.path, README), "utf8"));
      for (const file of folder.files.filter((name) => !named.has(name))) {
        unnamed.push(`${folder.name}/${README}: no line names \`${file}\``);
      }
      for (const sub of folder.folders.filter((name) => !named.has(`${name}/`) && !named.has(name))) {
        unnamed.push(`${folder.name}/${README}: no line names \`${sub}/\``);
      }
    }
    assert.deepEqual(unnamed, [], `a file without its line in its folder's README:\n  ${unnamed.join("\n  ")}`);
  });

  it("each README names no file or subfolder of its own that does not exist (no stale lines)", () => {
    const stale: string[] = [];
    for (const folder of FOLDERS.filter((candidate) => existsSync(join(candidate.path, README)))) {
      for (const name of backticked(readFileSync(join(folder.path, README), "utf8"))) {
        const gone = (OWN_FILE.test(name) && !folder.files.includes(name) && name !== README) || (OWN_FOLDER.test(name) && !folder.folders.includes(name.slice(0, -1)));
        if (gone) {
          stale.push(`${folder.name}/${README}: \`${name}\` is not in ${folder.name}/ (moved or gone; write another folder's file with its path)`);
        }
      }
    }
    assert.deepEqual(stale, [], `a README names what its folder does not hold:\n  ${stale.join("\n  ")}`);
  });

  it(`no folder of src/ holds more than ${MAX_FILES_PER_FOLDER} files (its README aside)`, () => {
    const crowded = FOLDERS.filter((folder) => folder.files.length > MAX_FILES_PER_FOLDER).map((folder) => `${folder.name}: ${folder.files.length} files`);
    assert.deepEqual(crowded, [], `split these into feature folders:\n  ${crowded.join("\n  ")}`);
  });
});
