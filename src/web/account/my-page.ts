import type { FastifyInstance } from "fastify";
import type { WebDeps } from "../app.ts";
import { describeDevice } from "../../core/kernel/device-label.ts";
import { maskEmail } from "../../core/kernel/email-address.ts";
import { formatJapanTime } from "../../core/kernel/japan-time.ts";
import { detectLang, langQuery } from "../kernel/i18n.ts";
import { renderPage } from "../kernel/render.ts";
import { contextOf } from "../kernel/request-context.ts";
import { sessionOrLogin } from "../kernel/page-session.ts";
import { noticeSettingsForm, parseBody } from "../kernel/validation.ts";
import { formPostOptions } from "../kernel/form-post.ts";

/**
 * マイページ, the hub of the customer area (issue 11 item 1): who is logged in, the previous
 * login so a customer can spot one that was not theirs, the 重要メール and MFA status, links to
 * ログイン履歴, ご利用中の端末, パスワード変更 and 口座の凍結, and お知らせ設定.
 */
export function registerMyPage(app: FastifyInstance, deps: WebDeps): void {
  const { config, sessions, history, noticeSettings } = deps;

  app.get("/", async (request, reply) => {
    const lang = detectLang(request);
    const current = await sessionOrLogin(sessions, request, reply);
    if (current === null) {
      return reply;
    }
    // The newest record is this login; the one before it is what the customer wants to check.
    const [, previous] = await history.recent(current.customer.id, 2);
    const saved = (request.query as Record<string, unknown> | undefined)?.["saved"] === "notices";
    return renderPage(reply, "my-page", { lang, brand: config.brand }, {
      customerName: current.customer.name,
      maskedEmail: maskEmail(current.customer.email),
      mfaOff: !current.customer.mfaEnabled,
      notifyEveryLogin: current.customer.notifyEveryLogin,
      saved,
      previous:
        previous === undefined
          ? null
          : { at: formatJapanTime(previous.at), ip: previous.ip, device: describeDevice(previous.userAgent) },
    });
  });

  const formOnly = formPostOptions(app);

  // お知らせ設定: the same core call as PUT /api/v1/settings/notices; an unticked checkbox sends nothing.
  app.post("/settings/notices", formOnly, async (request, reply) => {
    const lang = detectLang(request);
    const current = await sessionOrLogin(sessions, request, reply);
    if (current === null) {
      return reply;
    }
    const form = parseBody(noticeSettingsForm, request.body);
    await noticeSettings.setEveryLogin(current, form.everyLogin === "on", contextOf(request));
    const q = langQuery(lang);
    return reply.redirect(`/${q === "" ? "?" : `${q}&`}saved=notices#notices`, 303);
  });
}
