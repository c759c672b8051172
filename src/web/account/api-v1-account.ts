import { z } from "zod";
import { isoJapanTime } from "../../core/kernel/japan-time.ts";
import { SESSION_COOKIE, clearedCookieOptions } from "../kernel/cookies.ts";
import { customerApi, sessionOf } from "../kernel/customer-session.ts";
import type { WebPlugin } from "../kernel/plugin.ts";
import { contextOf } from "../kernel/request-context.ts";
import { endConnectionForm, freezeBody, noticeSettingsBody, parseBody, passwordChangeBody } from "../kernel/validation.ts";
import type { AccountWebOptions } from "./account-plugin.ts";

const historyQuery = z.object({
  before: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).optional(),
});
const sessionParams = z.object({ id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/u) });

/**
 * The customer's own security in the smartphone app (issue 11): ログイン履歴,
 * ご利用中の端末 and the password change, the same rules and errors as the pages. Every route needs a live session ([4010]).
 */
export const accountApi: WebPlugin<AccountWebOptions> = async (api, { sessions, loginHistory, passwordChange, accountFreeze, noticeSettings, connectedServices }) => {
  customerApi(api, sessions);

  api.get("/login-history", { schema: { querystring: historyQuery } }, async (request) => {
    const page = await loginHistory.page(sessionOf(request).customer.id, request.query);
    return {
      items: page.items.map((item) => ({ at: isoJapanTime(item.at), ip: item.ip, device: item.device, method: item.method, outcome: item.outcome, services: item.services })),
      next: page.next,
    };
  });

  api.get("/sessions", async (request) => {
    const live = await sessions.listLive(sessionOf(request));
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

  api.delete("/sessions/:id", { schema: { params: sessionParams } }, async (request, reply) => {
    const { wasCurrent } = await sessions.endOne(sessionOf(request), request.params.id, contextOf(request));
    if (wasCurrent) {
      reply.clearCookie(SESSION_COOKIE, clearedCookieOptions());
    }
    return { status: "ok" };
  });

  api.post("/sessions/end-others", async (request) => {
    return { ended: await sessions.endOthers(sessionOf(request), contextOf(request)) };
  });

  // 「連携中のサービス」 (issue 20 item 8): beside the sessions, a resource of its own.
  api.get("/connections", async (request) => {
    const services = await connectedServices.list(sessionOf(request).customer.id);
    return {
      items: services.map((service) => ({ clientId: service.clientId, clientName: service.clientName, since: isoJapanTime(service.since), lastUsedAt: isoJapanTime(service.lastUsedAt) })),
    };
  });

  api.post("/connections/end", async (request) => {
    const { clientId } = parseBody(endConnectionForm, request.body);
    return { status: "ok", ...(await connectedServices.end(sessionOf(request), clientId, contextOf(request))) };
  });

  api.post("/password/code", async (request) => {
    const sent = await passwordChange.sendCode(sessionOf(request), contextOf(request));
    return { status: "code_sent", maskedEmail: sent.maskedEmail, sentAt: isoJapanTime(sent.sentAt), expiresAt: isoJapanTime(sent.expiresAt) };
  });

  api.get("/settings/notices", async (request) => {
    return { everyLogin: sessionOf(request).customer.notifyEveryLogin };
  });

  api.put("/settings/notices", async (request) => {
    const { everyLogin } = parseBody(noticeSettingsBody, request.body);
    await noticeSettings.setEveryLogin(sessionOf(request), everyLogin, contextOf(request));
    return { everyLogin };
  });

  api.post("/account/freeze", async (request, reply) => {
    const body = parseBody(freezeBody, request.body);
    await accountFreeze.freeze(sessionOf(request), body.password, contextOf(request));
    reply.clearCookie(SESSION_COOKIE, clearedCookieOptions());
    return { status: "frozen" };
  });

  api.post("/password", async (request) => {
    const body = parseBody(passwordChangeBody, request.body);
    await passwordChange.change(sessionOf(request), body, contextOf(request));
    return { status: "ok" };
  });
};
