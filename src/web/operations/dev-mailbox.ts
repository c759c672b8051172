import type { DevMailbox } from "../../core/kernel/ports-operations.ts";
import type { Brand } from "../../core/kernel/brand.ts";
import { formatJapanTime } from "../../core/kernel/japan-time.ts";
import { renderPage } from "../kernel/render.ts";
import { detectLang } from "../kernel/i18n.ts";
import type { WebScope } from "../kernel/plugin.ts";

/** Development only: the mails the local catcher received, so the demo login works without a mail server. */
export function registerDevMailbox(app: WebScope, catcher: DevMailbox, brand: Brand): void {
  const newestFirst = () =>
    [...catcher.mails].reverse().map((mail) => ({ from: mail.from, to: mail.to, subject: mail.subject, text: mail.text, receivedAt: formatJapanTime(mail.receivedAt) }));
  app.get("/dev/mailbox", async (request, reply) => {
    return renderPage(reply, "mailbox", { lang: detectLang(request), brand }, { mails: newestFirst() });
  });
  app.get("/dev/mailbox.json", async (_request, reply) => {
    return reply.send({ mails: newestFirst() });
  });
}
