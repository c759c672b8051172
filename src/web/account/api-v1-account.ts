import type { FastifyInstance } from "fastify";
import type { WebDeps } from "../app.ts";
import { z } from "zod";
import { isoJapanTime } from "../../core/kernel/japan-time.ts";
import { SESSION_COOKIE, clearedCookieOptions } from "../kernel/cookies.ts";
import { apiSession } from "../kernel/api-session.ts";
import { requireBodyType } from "../kernel/content-type.ts";
import { contextOf } from "../kernel/request-context.ts";
import { freezeBody, noticeSettingsBody, parseBody, passwordChangeBody } from "../kernel/validation.ts";

const historyQuery = z.object({
  before: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).optional(),
});
const sessionParams = z.object({ id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/u) });


/**
 * The customer's own security in the smartphone app (issue 11): ログイン履歴,
 * ご利用中の端末 and the password change, the same rules and errors as the pages. Every route needs a live session ([4010]).
 */
export function registerApiV1Account(app: FastifyInstance, deps: WebDeps): void {
  const { sessions, loginHistory, passwordChange, accountFreeze, noticeSettings } = deps;
  const loggedIn = apiSession(sessions);

  app.register(
    async (api) => {
      api.addHook("preHandler", requireBodyType("application/json"));

      api.get("/login-history", async (request) => {
        const current = await loggedIn(request);
        const query = parseBody(historyQuery, request.query);
        const page = await loginHistory.page(current.customer.id, query);
        return {
          items: page.items.map((item) => ({ at: isoJapanTime(item.at), ip: item.ip, device: item.device, method: item.method, outcome: item.outcome })),
          next: page.next,
        };
      });

      api.get("/sessions", async (request) => {
        const current = await loggedIn(request);
        const live = await sessions.listLive(current);
        return {
          items: live.map((session) => ({
            id: session.id,
            createdAt: isoJapanTime(session.createdAt),
            lastSeenAt: isoJapanTime(session.lastSeenAt),
            ip: session.ip,
            device: session.device,
            current: session.current,
          })),
        };
      });

      api.delete("/sessions/:id", async (request, reply) => {
        const current = await loggedIn(request);
        const { id } = parseBody(sessionParams, request.params);
        const { wasCurrent } = await sessions.endOne(current, id, contextOf(request));
        if (wasCurrent) {
          reply.clearCookie(SESSION_COOKIE, clearedCookieOptions());
        }
        return { status: "ok" };
      });

      api.post("/sessions/end-others", async (request) => {
        const current = await loggedIn(request);
        return { ended: await sessions.endOthers(current, contextOf(request)) };
      });

      api.post("/password/code", async (request) => {
        const current = await loggedIn(request);
        const sent = await passwordChange.sendCode(current, contextOf(request));
        return { status: "code_sent", maskedEmail: sent.maskedEmail, sentAt: isoJapanTime(sent.sentAt), expiresAt: isoJapanTime(sent.expiresAt) };
      });

      api.get("/settings/notices", async (request) => {
        const current = await loggedIn(request);
        return { everyLogin: current.customer.notifyEveryLogin };
      });

      api.put("/settings/notices", async (request) => {
        const current = await loggedIn(request);
        const { everyLogin } = parseBody(noticeSettingsBody, request.body);
        await noticeSettings.setEveryLogin(current, everyLogin, contextOf(request));
        return { everyLogin };
      });

      api.post("/account/freeze", async (request, reply) => {
        const current = await loggedIn(request);
        const body = parseBody(freezeBody, request.body);
        await accountFreeze.freeze(current, body.password, contextOf(request));
        reply.clearCookie(SESSION_COOKIE, clearedCookieOptions());
        return { status: "frozen" };
      });

      api.post("/password", async (request) => {
        const current = await loggedIn(request);
        const body = parseBody(passwordChangeBody, request.body);
        await passwordChange.change(current, body, contextOf(request));
        return { status: "ok" };
      });
    },
    { prefix: "/api/v1" },
  );
}
