import { sql } from "kysely";
import type { RawBuilder } from "kysely";

/**
 * `column LIKE pattern ESCAPE '\'`, with the searched text taken literally: a % or _ typed
 * by an operator matches itself, not "anything". The same on SQLite and PostgreSQL.
 */
export function likeLiteral(column: string, text: string, where: "prefix" | "anywhere"): RawBuilder<boolean> {
  const escaped = text.replace(/[\\%_]/g, "\\$&");
  const pattern = where === "prefix" ? `${escaped}%` : `%${escaped}%`;
  return sql<boolean>`${sql.ref(column)} like ${pattern} escape '\\'`;
}
