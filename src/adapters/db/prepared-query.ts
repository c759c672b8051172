import type { Compilable, CompiledQuery, Kysely, QueryResult } from "kysely";
import type { Database } from "./schema.ts";

/** Stands for a value while the query is built once: `bind("id")` where a value would go. */
export type Bind<P> = <K extends keyof P & string>(name: K) => P[K];

/** Runs the query with these values, on the database or inside a transaction of it. */
export type PreparedQuery<P, R> = (db: Kysely<Database>, values: P) => Promise<QueryResult<R>>;

// A string no application value starts with: marks where a named value goes in the compiled parameters.
const MARK = "\u0000okb-bind:";

interface Compiled<R> {
  query: CompiledQuery<R>;
  /** For each parameter of the compiled SQL: the name of a bound value, or a constant written in the builder. */
  slots: readonly ({ name: string } | { constant: unknown })[];
}

/**
 * A hot query built and compiled once per dialect, then run with new values (issue 23: building
 * a query with Kysely cost more of the storm's CPU than SQLite running it). Only for queries whose
 * SQL does not depend on the values (no IN lists, no optional clauses); on SQLite the same SQL text
 * also reuses its prepared statement (statement-cache.ts). Kysely plugins see the query once, when it
 * is compiled (the application uses none).
 */
export function prepareQuery<P extends Record<string, unknown>, R>(build: (db: Kysely<Database>, bind: Bind<P>) => Compilable<R>): PreparedQuery<P, R> {
  // Keyed by the dialect's adapter, shared by a database and its transactions: tests open SQLite and PostgreSQL in one process.
  const byDialect = new WeakMap<object, Compiled<R>>();
  return async (db, values) => {
    const adapter = db.getExecutor().adapter;
    let compiled = byDialect.get(adapter);
    if (compiled === undefined) {
      compiled = compile(db, build);
      byDialect.set(adapter, compiled);
    }
    const parameters = compiled.slots.map((slot) => ("name" in slot ? values[slot.name] : slot.constant));
    return await db.executeQuery<R>({ ...compiled.query, parameters });
  };
}

function compile<P, R>(db: Kysely<Database>, build: (db: Kysely<Database>, bind: Bind<P>) => Compilable<R>): Compiled<R> {
  const bind = ((name: string) => `${MARK}${name}`) as Bind<P>;
  const query = build(db, bind).compile();
  const slots = query.parameters.map((parameter) =>
    typeof parameter === "string" && parameter.startsWith(MARK) ? { name: parameter.slice(MARK.length) } : { constant: parameter },
  );
  if (query.sql.includes(MARK)) {
    throw new Error("prepareQuery: a bound value was written into the SQL text instead of a parameter");
  }
  return { query, slots };
}
