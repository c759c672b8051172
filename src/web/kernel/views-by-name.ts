import { readdirSync } from "node:fs";
import { basename, join } from "node:path";

/**
 * Every `.eta` file below `root`, by its name without the extension. Two views of one name
 * would make a page render the wrong one, so a repeated name stops the server at start.
 */
export function viewsByName(root: string): Map<string, string> {
  const views = new Map<string, string>();
  for (const entry of readdirSync(root, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith(".eta")) {
      continue;
    }
    const name = basename(entry.name, ".eta");
    const file = join(entry.parentPath, entry.name);
    const earlier = views.get(name);
    if (earlier !== undefined) {
      throw new Error(`two views named ${name}: ${earlier} and ${file}`);
    }
    views.set(name, file);
  }
  return views;
}
