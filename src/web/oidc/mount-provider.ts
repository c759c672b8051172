import type { IncomingMessage, ServerResponse } from "node:http";
import type { FastifyReply, FastifyRequest } from "fastify";
import type Provider from "oidc-provider";
import type { WebScope } from "../kernel/plugin.ts";
import { detectLang } from "../kernel/i18n.ts";
import { SESSION_COOKIE } from "../kernel/cookies.ts";
import { contextOf } from "../kernel/request-context.ts";
import type { HandedOver, LiveLogin } from "./live-login.ts";
import { setHandedOver } from "./live-login.ts";
import { moveFormSecretToHeader } from "./secret-in-form.ts";

/** The provider's endpoints under our origin (provider-setup.ts `routes`), beside discovery. */
const PROVIDER_PATHS = ["/.well-known/openid-configuration", "/oidc/auth", "/oidc/auth/*", "/oidc/token", "/oidc/me", "/oidc/jwks", "/oidc/token/revocation", "/oidc/token/introspection", "/oidc/session/end", "/oidc/session/end/*", "/oidc/request"];

/** The endpoints that act on the customer's okb-login session (authorization and logout): only these read it. */
const READS_LOGIN = /^\/oidc\/(auth|session\/end)(\/|$|\?)/u;

const HANDED_OVER = Symbol("okb handed over");

type RawWithLogin = IncomingMessage & { [HANDED_OVER]?: HandedOver };

/**
 * Hands the provider's requests to oidc-provider (a Koa app) untouched, as its documentation asks
 * (docs/decisions.md): in the route's own onRequest hook, after our app-wide ones (origin check,
 * language, connection caps) and before fastify reads the body, so the provider parses its own
 * forms and answers bad input with the OAuth errors the specs name. The headers our hooks have set
 * so far (helmet's, no-store) are put on the raw response first, since a hijacked reply skips them.
 */
export function mountProvider(scope: WebScope, provider: Provider, readLogin: (request: FastifyRequest) => Promise<LiveLogin | null>): void {
  const handle = provider.callback();
  // The login our side found, passed to the provider's checks through Koa's state (live-login.ts).
  provider.use(async (ctx, next) => {
    const handed = (ctx.req as RawWithLogin)[HANDED_OVER];
    if (handed !== undefined) {
      setHandedOver(ctx, handed);
    }
    await next();
  });
  const handOver = async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const readsLogin = READS_LOGIN.test(request.url);
    (request.raw as RawWithLogin)[HANDED_OVER] = {
      login: readsLogin ? await readLogin(request) : null,
      lang: detectLang(request),
      context: contextOf(request),
      sessionToken: readsLogin ? request.cookies[SESSION_COOKIE] : undefined,
    };
    await moveFormSecretToHeader(request);
    for (const [name, value] of Object.entries(reply.getHeaders())) {
      if (value !== undefined) {
        reply.raw.setHeader(name, value);
      }
    }
    reply.hijack();
    await new Promise<void>((resolve) => {
      reply.raw.once("close", resolve);
      void handle(request.raw, reply.raw as ServerResponse);
    });
  };
  for (const url of PROVIDER_PATHS) {
    scope.route({ method: ["GET", "HEAD", "POST", "OPTIONS"], url, config: { answersBadParametersItself: true }, onRequest: handOver, handler: unreachable });
  }
}

/** The onRequest hook answers every request of these routes. */
function unreachable(): never {
  throw new Error("the OpenID Provider's route was not handed over");
}
