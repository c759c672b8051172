import { z } from "zod";
import { describeDevice, originInWords } from "../../core/kernel/device-label.ts";
import { maskEmail } from "../../core/kernel/email-address.ts";
import { formatJapanTime } from "../../core/kernel/japan-time.ts";
import { formPostOptions } from "../kernel/content-type.ts";
import { customerPages, sessionOf } from "../kernel/customer-session.ts";
import { detectLang, langQuery } from "../kernel/i18n.ts";
import type { WebPlugin } from "../kernel/plugin.ts";
import { takePendingInteraction } from "../kernel/cookies.ts";
import { renderPage } from "../kernel/render.ts";
import { contextOf } from "../kernel/request-context.ts";
import { queryWord } from "../kernel/route-parameters.ts";
import { noticeSettingsForm, parseBody } from "../kernel/validation.ts";
import type { AccountWebOptions } from "./account-plugin.ts";

// After お知らせ設定 is saved (/?saved=notices): a confirmation, carried by the URL alone.
const myPageQuery = z.object({ saved: queryWord("notices") });

/**
 * マイページ, the hub of the customer area (issue 11 item 1): who is logged in, the previous
 * login so a customer can spot one that was not theirs, the wrong passwords since it (issue 21), the 重要メール and MFA status, links to
 * ログイン履歴, ご利用中の端末, パスワード変更 and 口座の凍結, and お知らせ設定.
 */
export const myPage: WebPlugin<AccountWebOptions> = async (app, { brand, sessions, history, loginHistory, noticeSettings }) => {
  customerPages(app, sessions);

  app.get("/", { schema: { querystring: myPageQuery } }, async (request, reply) => {
    // Logged in for a trading site (OpenID Connect): back to it instead of マイページ. By a page whose
    // meta refresh starts a new navigation, not a redirect: Chromium holds every redirect after the login
    // form's POST to that page's CSP `form-action 'self'`, so a chain ending at the site's callback was blocked.
    const pending = takePendingInteraction(request, reply);
    if (pending !== null) {
      return renderPage(reply, "oidc-continue", { lang: detectLang(request), brand }, { continueUrl: pending });
    }
    const current = sessionOf(request);
    // The newest record is this login; the one before it is what the customer wants to check.
    const [, previous] = await history.recent(current.customer.id, 2);
    // Issue 21 item 5: wrong passwords since then (a lock the customer may not have noticed), counted in the audit log.
    const wrong = await loginHistory.wrongPasswordsSince(current.customer.id, previous?.at ?? null);
    const lang = detectLang(request);
    return renderPage(reply, "my-page", { lang, brand }, {
      customerName: current.customer.name,
      maskedEmail: maskEmail(current.customer.email),
      mfaOff: !current.customer.mfaEnabled,
      notifyEveryLogin: current.customer.notifyEveryLogin,
      saved: request.query.saved === "notices",
      previous:
        previous === undefined
          ? null
          : { at: formatJapanTime(previous.at), ip: originInWords(previous.ip, lang), device: originInWords(describeDevice(previous.userAgent), lang) },
      wrongPasswords: wrong.lastAt === null ? null : { count: String(wrong.count), lastAt: formatJapanTime(wrong.lastAt) },
    });
  });

  // お知らせ設定: the same core call as PUT /api/v1/settings/notices; an unticked checkbox sends nothing.
  app.post("/settings/notices", formPostOptions(app), async (request, reply) => {
    const form = parseBody(noticeSettingsForm, request.body);
    await noticeSettings.setEveryLogin(sessionOf(request), form.everyLogin === "on", contextOf(request));
    const q = langQuery(detectLang(request));
    return reply.redirect(`/${q === "" ? "?" : `${q}&`}saved=notices#notices`, 303);
  });
};
