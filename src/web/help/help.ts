import type { FastifyInstance, FastifyRequest } from "fastify";
import type { WebDeps } from "../app.ts";
import { codeMailSubject } from "../../core/mail/code-mails.ts";
import { MAX_CODE_ATTEMPTS } from "../../core/kernel/limits.ts";
import { detectLang } from "../kernel/i18n.ts";
import { renderPage } from "../kernel/render.ts";
import type { PageBase } from "../kernel/render.ts";

/**
 * The customer help pages, from the seed notice's Q&A (別紙2), in Japanese and English:
 * `/help` (Q1–Q11 and the login steps of 別紙1) and `/help/code-not-received` (Q3's five
 * causes), linked from the login page and the code screen. The facts they state (code
 * lifetime, mail domain, code-mail limit, call center) come from the configuration, so
 * the pages say what the service does.
 */
export function registerHelp(app: FastifyInstance, deps: Pick<WebDeps, "config">): void {
  const { config } = deps;
  const base = (request: FastifyRequest): PageBase => ({ lang: detectLang(request), brand: config.brand });
  const mailLimit = config.rateLimits.codeMailsPerCustomer;
  const facts = {
    codeTtlMinutes: Math.round(config.codeTtlSeconds / 60),
    maxCodeAttempts: MAX_CODE_ATTEMPTS,
    codeMailSubject: codeMailSubject(config.brand),
    codeMailLimit: { max: mailLimit.max, windowMinutes: Math.round(mailLimit.windowSeconds / 60) },
  };

  app.get("/help", async (request, reply) => {
    return renderPage(reply, "help", base(request), facts);
  });

  app.get("/help/code-not-received", async (request, reply) => {
    return renderPage(reply, "help-code-not-received", base(request), facts);
  });
}
