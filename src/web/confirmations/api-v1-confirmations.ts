import type { FastifyInstance } from "fastify";
import type { WebDeps } from "../app.ts";
import { isoJapanTime } from "../../core/kernel/japan-time.ts";
import { apiSession } from "../kernel/api-session.ts";
import { requireBodyType } from "../kernel/content-type.ts";
import { contextOf } from "../kernel/request-context.ts";
import { asAssertion, passkeyAssertionShape } from "../passkeys/passkey-bodies.ts";
import { confirmationAnswerBody, confirmationParams, confirmationStartBody, parseBody } from "../kernel/validation.ts";

/**
 * How long the trading site and proxies may keep the JWK Set: short, so a new signing key is
 * seen within a minute (jose's createRemoteJWKSet also refetches at once on an unknown `kid`).
 */
const JWKS_CACHE_CONTROL = "public, max-age=60";

/**
 * Operation-bound confirmations for the trading site (issue 13 §5, §6), over the customer's
 * session ([4010] without one): start one for an operation, answer it for the token. And the
 * public keys the trading site verifies tokens with, `GET /.well-known/jwks.json` (no session).
 */
export function registerApiV1Confirmations(app: FastifyInstance, deps: Pick<WebDeps, "sessions" | "confirmations">): void {
  const { sessions, confirmations } = deps;
  const loggedIn = apiSession(sessions);

  app.get("/.well-known/jwks.json", async (_request, reply) => {
    reply.header("cache-control", JWKS_CACHE_CONTROL);
    return confirmations.jwks();
  });

  app.register(
    async (api) => {
      api.addHook("preHandler", requireBodyType("application/json"));

      api.post("/confirmations", async (request) => {
        const current = await loggedIn(request);
        const { operation } = parseBody(confirmationStartBody, request.body);
        const started = await confirmations.start(current, operation, contextOf(request));
        return {
          id: started.id,
          required: started.required,
          summary: started.summary,
          expiresAt: isoJapanTime(started.expiresAt),
          ...(started.passkeyOptions === null ? {} : { passkeyOptions: started.passkeyOptions }),
        };
      });

      api.post("/confirmations/:id", async (request) => {
        const current = await loggedIn(request);
        const { id } = parseBody(confirmationParams, request.params);
        const body = parseBody(confirmationAnswerBody, request.body);
        // The passkey's answer is bounded as at login ([4000] when malformed), before the PIN is counted.
        const answer = { ...body, passkeyResponse: body.passkeyResponse === undefined ? undefined : asAssertion(parseBody(passkeyAssertionShape, body.passkeyResponse)) };
        const { token } = await confirmations.confirm(current, id, answer, contextOf(request));
        return { token };
      });
    },
    { prefix: "/api/v1" },
  );
}
