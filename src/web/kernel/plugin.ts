import type {
  FastifyBaseLogger,
  FastifyInstance,
  FastifyPluginAsync,
  FastifyPluginOptions,
  FastifyTypeProvider,
  preHandlerAsyncHookHandler,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
} from "fastify";
import type { z } from "zod";

/** `request.params` and `request.query` typed from a route's zod schemas (`schema: { params, querystring }`). */
export interface ZodTypeProvider extends FastifyTypeProvider {
  readonly validator: this["schema"] extends z.ZodType ? z.output<this["schema"]> : unknown;
  readonly serializer: this["schema"] extends z.ZodType ? z.input<this["schema"]> : unknown;
}

/** The fastify instance a feature's routes are registered on. */
export type WebScope = FastifyInstance<RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, FastifyBaseLogger, ZodTypeProvider>;

/**
 * A web feature: one fastify plugin whose options name only the services it needs; app.ts
 * registers it. Its routes declare their parameters' schemas, and its route groups their
 * session (customer-session.ts, console-session.ts) once, with `onEveryRoute`.
 */
export type WebPlugin<Options extends FastifyPluginOptions> = FastifyPluginAsync<Options, RawServerDefault, ZodTypeProvider>;

/**
 * Every route registered on `scope` from here on runs `preHandlers`, in this order, after the
 * route's own (a form post's media type and CSRF checks come first, as when each route asked
 * for its session in its body). A route of the group cannot leave them out.
 */
export function onEveryRoute(scope: WebScope, ...preHandlers: preHandlerAsyncHookHandler[]): void {
  scope.addHook("onRoute", (route) => {
    // A new array: route options (formPostOptions) are shared between routes.
    route.preHandler = [...(route.preHandler === undefined ? [] : [route.preHandler].flat()), ...preHandlers];
  });
}
