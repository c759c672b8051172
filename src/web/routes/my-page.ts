import type { FastifyInstance } from "fastify";
import type { WebDeps } from "../app.ts";
import { describeDevice } from "../../core/device-label.ts";
import { maskEmail } from "../../core/email-address.ts";
import { formatJapanTime } from "../../core/japan-time.ts";
import { SESSION_COOKIE, clearedCookieOptions } from "../cookies.ts";
import { detectLang, langQuery } from "../i18n.ts";
import { renderPage } from "../render.ts";
import { contextOf } from "../request-context.ts";

/** マイページ: who is logged in, and the previous login so a customer can spot one that was not theirs. */
export function registerMyPage(app: FastifyInstance, deps: WebDeps): void {
  const { config, sessions, history } = deps;

  app.get("/", async (request, reply) => {
    const lang = detectLang(request);
    const current = await sessions.authenticate(request.cookies[SESSION_COOKIE], contextOf(request));
    if (current === null) {
      reply.clearCookie(SESSION_COOKIE, clearedCookieOptions());
      return reply.redirect(`/login${langQuery(lang)}`, 303);
    }
    // The newest record is this login; the one before it is what the customer wants to check.
    const [, previous] = await history.recent(current.customer.id, 2);
    return renderPage(reply, "my-page", { lang, brand: config.brand }, {
      customerName: current.customer.name,
      maskedEmail: maskEmail(current.customer.email),
      mfaOff: !current.customer.mfaEnabled,
      previous:
        previous === undefined
          ? null
          : { at: formatJapanTime(previous.at), ip: previous.ip, device: describeDevice(previous.userAgent) },
    });
  });
}
