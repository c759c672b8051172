import type { FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import type { LoginMethod, LoginOutcome } from "../../core/account/login-history.ts";
import { formatJapanTime } from "../../core/kernel/japan-time.ts";
import { SESSION_COOKIE, clearedCookieOptions } from "../kernel/cookies.ts";
import type { TextKey } from "../kernel/i18n.ts";
import { detectLang, langQuery, t } from "../kernel/i18n.ts";
import { renderPage } from "../kernel/render.ts";
import { contextOf } from "../kernel/request-context.ts";
import { formPostOptions } from "../kernel/content-type.ts";
import { customerPages, sessionOf } from "../kernel/customer-session.ts";
import type { WebPlugin } from "../kernel/plugin.ts";
import { queryWord } from "../kernel/route-parameters.ts";
import { endConnectionForm, endSessionForm, historyPageQuery, parseBody } from "../kernel/validation.ts";
import { attemptOrShowAgain } from "../kernel/form-page.ts";
import type { ShownRefusal } from "../kernel/form-page.ts";
import type { PageError } from "../kernel/render.ts";
import type { AccountWebOptions } from "./account-plugin.ts";
import { originInWords } from "../../core/kernel/device-label.ts";

// Typed as total maps: a new outcome or method in the core does not compile until it has words here.
// Exported: the console shows an operator the same words the customer reads (console-customer-view.ts).
export const OUTCOME_TEXT: Record<LoginOutcome, TextKey> = {
  success: "outcomeSuccess",
  wrong_password: "outcomeWrongPassword",
  wrong_code: "outcomeWrongCode",
  code_expired: "outcomeCodeExpired",
  code_burned: "outcomeCodeBurned",
  locked: "outcomeLocked",
  refused_locked: "outcomeRefusedLocked",
  refused_frozen: "outcomeRefusedFrozen",
  refused_passkey_required: "outcomeRefusedPasskeyRequired",
  passkey_refused: "outcomePasskeyRefused",
  rate_limited: "outcomeRateLimited",
};
export const METHOD_TEXT: Record<LoginMethod, TextKey> = {
  password_and_code: "methodPasswordAndCode",
  password_only: "methodPasswordOnly",
  password: "methodPassword",
  code: "methodCode",
  passkey: "methodPasskey",
};

// Confirmation after an action (/sessions?done=one), carried by the URL alone (as /login?loggedOut=1).
const sessionsQuery = z.object({ done: queryWord("one", "others", "service") });
const DONE_TEXT = { one: "sessionEnded", others: "othersEnded", service: "serviceEnded" } as const satisfies Record<string, TextKey>;

// What the list shows at once; 「さらに表示」 fetches the next (older) page by its cursor.
const HISTORY_PAGE_SIZE = 20;

/**
 * ログイン履歴 (`/history`) and ご利用中の端末 (`/sessions`), issue 11 items 2 and 3: the same
 * core calls as GET /api/v1/login-history, GET /api/v1/sessions, DELETE /api/v1/sessions/:id
 * and POST /api/v1/sessions/end-others; and 「連携中のサービス」 (issue 20 item 8) as
 * GET /api/v1/connections and POST /api/v1/connections/end.
 */
export const historyAndSessionsPages: WebPlugin<AccountWebOptions> = async (app, options) => {
  const { brand, sessions, loginHistory, connectedServices } = options;
  customerPages(app, sessions);
  const formOnly = formPostOptions(app);

  app.get("/history", { schema: { querystring: historyPageQuery } }, async (request, reply) => {
    const lang = detectLang(request);
    const { before } = request.query;
    const page = await loginHistory.page(sessionOf(request).customer.id, { before, limit: HISTORY_PAGE_SIZE });
    const q = langQuery(lang);
    return renderPage(reply, "history", { lang, brand }, {
      items: page.items.map((item) => ({
        at: formatJapanTime(item.at),
        ip: originInWords(item.ip, lang),
        device: originInWords(item.device, lang),
        method: t(lang, METHOD_TEXT[item.method]),
        outcome: t(lang, OUTCOME_TEXT[item.outcome]),
        failed: item.outcome !== "success",
        services: item.services.map((service) => service.clientName).join(lang === "ja" ? "、" : ", "),
      })),
      moreHref: page.next === null ? null : `/history?${q === "" ? "" : "lang=en&"}before=${encodeURIComponent(page.next)}`,
      olderPage: before !== undefined && before !== "",
    });
  });

  app.get("/sessions", { schema: { querystring: sessionsQuery } }, async (request, reply) => {
    const { done } = request.query;
    return renderSessionsPage(options, request, reply, { confirmation: done === null ? null : DONE_TEXT[done], error: null });
  });

  // 「連携を解除する」: refused (not connected, ended meanwhile), the page again with the error above the services.
  app.post("/sessions/services/end", formOnly, async (request, reply) => {
    const lang = detectLang(request);
    const showAgain = ({ shown, status }: ShownRefusal) => renderSessionsPage(options, request, reply, { confirmation: null, error: shown }, status);
    return attemptOrShowAgain(request, reply, showAgain, async () => {
      const { clientId } = parseBody(endConnectionForm, request.body);
      await connectedServices.end(sessionOf(request), clientId, contextOf(request));
      return reply.redirect(`/sessions?${lang === "en" ? "lang=en&" : ""}done=service`, 303);
    });
  });

  app.post("/sessions/end", formOnly, async (request, reply) => {
    const lang = detectLang(request);
    const { id } = parseBody(endSessionForm, request.body);
    const { wasCurrent } = await sessions.endOne(sessionOf(request), id, contextOf(request));
    if (wasCurrent) {
      reply.clearCookie(SESSION_COOKIE, clearedCookieOptions());
      return reply.redirect(`/login?loggedOut=1${lang === "en" ? "&lang=en" : ""}`, 303);
    }
    return reply.redirect(`/sessions?${lang === "en" ? "lang=en&" : ""}done=one`, 303);
  });

  app.post("/sessions/end-others", formOnly, async (request, reply) => {
    const lang = detectLang(request);
    await sessions.endOthers(sessionOf(request), contextOf(request));
    return reply.redirect(`/sessions?${lang === "en" ? "lang=en&" : ""}done=others`, 303);
  });
};

/** ご利用中の端末: the live sessions (この端末 first), then 「連携中のサービス」, times in Japan time. */
async function renderSessionsPage(
  { brand, sessions, connectedServices }: Pick<AccountWebOptions, "brand" | "sessions" | "connectedServices">,
  request: FastifyRequest,
  reply: FastifyReply,
  state: { confirmation: TextKey | null; error: PageError | null },
  status = 200,
): Promise<FastifyReply> {
  const lang = detectLang(request);
  const current = sessionOf(request);
  // この端末 first, then the others newest first (listLive's order).
  const live = (await sessions.listLive(current)).sort((a, b) => Number(b.current) - Number(a.current));
  const services = await connectedServices.list(current.customer.id);
  return renderPage(
    reply,
    "sessions",
    { lang, brand },
    {
      items: live.map((session) => ({
        id: session.id,
        device: originInWords(session.device, lang),
        ip: originInWords(session.ip, lang),
        createdAt: formatJapanTime(session.createdAt),
        lastSeenAt: formatJapanTime(session.lastSeenAt),
        current: session.current,
      })),
      services: services.map((service) => ({
        clientId: service.clientId,
        name: service.clientName,
        since: formatJapanTime(service.since),
        lastUsedAt: formatJapanTime(service.lastUsedAt),
      })),
      confirmation: state.confirmation === null ? null : t(lang, state.confirmation),
      error: state.error,
    },
    status,
  );
}
