import type { AuditCursor } from "./ports-audit.ts";
import { InvalidInputError } from "./errors.ts";

/**
 * A position in audit events read newest first, as clients pass it back for the next page
 * (ログイン履歴, the console's audit log): opaque to them, "<at>.<id>" in base64url.
 */
export function formatAuditCursor(cursor: AuditCursor): string {
  return Buffer.from(`${cursor.at}.${cursor.id}`, "utf8").toString("base64url");
}

/** The cursor back; [4000] for anything this did not write. */
export function parseAuditCursor(raw: string): AuditCursor {
  const decoded = /^[A-Za-z0-9_-]{1,200}$/.test(raw) ? Buffer.from(raw, "base64url").toString("utf8") : "";
  const match = /^(\d{1,15})\.([A-Za-z0-9-]{1,64})$/.exec(decoded);
  if (match === null) {
    throw new InvalidInputError("malformed history cursor");
  }
  return { at: Number(match[1]), id: match[2] as string };
}
