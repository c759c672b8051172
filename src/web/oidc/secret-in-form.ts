import type { FastifyRequest } from "fastify";

/** The endpoints where a client authenticates with its secret. */
const CLIENT_AUTH_PATHS = new Set(["/oidc/token", "/oidc/token/introspection", "/oidc/token/revocation"]);

/** oidc-provider's own limit on a form body (lib/shared/selective_body.js). */
const BODY_LIMIT = 56 * 1024;

/** What the provider reads when the body was read before it (its documented fallback: `req.body`). */
type RawWithBody = FastifyRequest["raw"] & { body?: Record<string, string | string[]> };

/**
 * A confidential client may send its secret in the form (client_secret_post, openid-client's
 * default) or in the Authorization header (client_secret_basic, RFC 6749's). oidc-provider holds a
 * client to the one method it registered, so a form's client_id and client_secret are moved into
 * the header before it runs: every client registered from the CLI can use either. Only on the three
 * endpoints above, only for a form without an Authorization header; anything else is left untouched
 * for the provider to judge. The form read here is handed to the provider as parsed (`req.body`, its
 * documented fallback; it logs once per process that it used it: "already parsed request body detected").
 */
export async function moveFormSecretToHeader(request: FastifyRequest): Promise<void> {
  const path = request.url.split("?")[0] ?? "";
  const type = request.headers["content-type"] ?? "";
  if (request.method !== "POST" || !CLIENT_AUTH_PATHS.has(path) || request.headers.authorization !== undefined || !type.startsWith("application/x-www-form-urlencoded")) {
    return;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request.raw) {
    size += (chunk as Buffer).length;
    if (size > BODY_LIMIT) {
      // Too large for the provider as well: hand it an empty form, which it refuses as invalid_request.
      (request.raw as RawWithBody).body = {};
      return;
    }
    chunks.push(chunk as Buffer);
  }
  const form = new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
  const id = form.get("client_id");
  const secret = form.get("client_secret");
  if (id !== null && secret !== null && form.getAll("client_secret").length === 1) {
    form.delete("client_secret");
    // RFC 6749 §2.3.1: each part form-encoded, then joined by ":" and base64-encoded.
    request.headers.authorization = `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString("base64")}`;
    request.raw.headers.authorization = request.headers.authorization;
  }
  const body: Record<string, string | string[]> = {};
  for (const key of new Set(form.keys())) {
    const values = form.getAll(key);
    body[key] = values.length === 1 ? (values[0] ?? "") : values;
  }
  (request.raw as RawWithBody).body = body;
}
