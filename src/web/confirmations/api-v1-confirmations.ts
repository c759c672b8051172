import type { Confirmations } from "../../core/confirmations/confirmations.ts";
import { isoJapanTime } from "../../core/kernel/japan-time.ts";
import { customerApi, sessionOf } from "../kernel/customer-session.ts";
import type { SessionCheck } from "../kernel/customer-session.ts";
import { asAssertion, passkeyAssertionShape } from "../kernel/passkey-assertion.ts";
import type { WebPlugin } from "../kernel/plugin.ts";
import { contextOf } from "../kernel/request-context.ts";
import { confirmationAnswerBody, confirmationParams, confirmationStartBody, parseBody } from "../kernel/validation.ts";

/** What the confirmations need (issue 13 §5, §6). */
export interface ConfirmationWebOptions {
  sessions: SessionCheck;
  /** Operation-bound confirmations for the trading site, and the JWK Set they are verified with. */
  confirmations: Pick<Confirmations, "jwks" | "start" | "confirm">;
}

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
export const confirmationPlugin: WebPlugin<ConfirmationWebOptions> = async (app, options) => {
  app.get("/.well-known/jwks.json", async (_request, reply) => {
    reply.header("cache-control", JWKS_CACHE_CONTROL);
    return options.confirmations.jwks();
  });
  await app.register(confirmationApi, { ...options, prefix: "/api/v1" });
};

const confirmationApi: WebPlugin<ConfirmationWebOptions> = async (api, { sessions, confirmations }) => {
  customerApi(api, sessions);

  api.post("/confirmations", async (request) => {
    const { operation } = parseBody(confirmationStartBody, request.body);
    const started = await confirmations.start(sessionOf(request), operation, contextOf(request));
    return {
      id: started.id,
      required: started.required,
      summary: started.summary,
      expiresAt: isoJapanTime(started.expiresAt),
      ...(started.passkeyOptions === null ? {} : { passkeyOptions: started.passkeyOptions }),
    };
  });

  api.post("/confirmations/:id", { schema: { params: confirmationParams } }, async (request) => {
    const body = parseBody(confirmationAnswerBody, request.body);
    // The passkey's answer is bounded as at login ([4000] when malformed), before the PIN is counted.
    const answer = { ...body, passkeyResponse: body.passkeyResponse === undefined ? undefined : asAssertion(parseBody(passkeyAssertionShape, body.passkeyResponse)) };
    const { token } = await confirmations.confirm(sessionOf(request), request.params.id, answer, contextOf(request));
    return { token };
  });
};
