import { generateKeyPairSync } from "node:crypto";
import { mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

/**
 * Outside production, with no CONFIRMATION_SIGNING_KEY: the signing key is generated on the first
 * start and kept in `path` (mode 0600, its folder 0700), so tokens and the published key survive a
 * restart. Two processes starting at once both end up with the file that was written first.
 * `warning` says when the file is readable by others.
 */
export function loadOrCreateSigningKey(path: string): { pem: string; created: boolean; warning: string | null } {
  try {
    return { pem: readFileSync(path, "utf8"), created: false, warning: looseModeWarning(path) };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") {
      throw error;
    }
  }
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const pem = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
  try {
    writeFileSync(path, pem, { mode: 0o600, flag: "wx" });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") {
      return { pem: readFileSync(path, "utf8"), created: false, warning: looseModeWarning(path) };
    }
    throw error;
  }
  return { pem, created: true, warning: null };
}

function looseModeWarning(path: string): string | null {
  const mode = statSync(path).mode & 0o777;
  return (mode & 0o077) === 0 ? null : `${path} (the confirmation signing key) is readable by others (mode ${mode.toString(8)}); chmod 600 it`;
}
