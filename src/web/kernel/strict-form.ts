import { frameworkRefusal } from "./framework-errors.ts";

/**
 * application/x-www-form-urlencoded, refusing what a browser never sends:
 * `%ZZ` or percent-encoded bytes that are not UTF-8 (`%FF%FE`) are a 400,
 * not literal text that would reach the password check. Repeated names
 * become arrays, which the body schemas then refuse.
 */
export function parseFormStrictly(body: string): Record<string, string | string[]> {
  const fields: Record<string, string | string[]> = Object.create(null) as Record<string, string | string[]>;
  if (body === "") {
    return fields;
  }
  for (const pair of body.split("&")) {
    if (pair === "") {
      continue;
    }
    const equals = pair.indexOf("=");
    const name = decodeComponent(equals === -1 ? pair : pair.slice(0, equals));
    const value = equals === -1 ? "" : decodeComponent(pair.slice(equals + 1));
    const existing = fields[name];
    if (existing === undefined) {
      fields[name] = value;
    } else {
      fields[name] = Array.isArray(existing) ? [...existing, value] : [existing, value];
    }
  }
  return fields;
}

function decodeComponent(raw: string): string {
  try {
    return decodeURIComponent(raw.replaceAll("+", " "));
  } catch {
    throw frameworkRefusal("form field with broken percent-encoding", 400, "BAD_PERCENT_ENCODING");
  }
}
