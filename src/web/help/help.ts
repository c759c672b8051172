import type { FastifyRequest } from "fastify";
import type { Brand } from "../../core/kernel/brand.ts";
import { codeMailSubject } from "../../core/mail/code-mails.ts";
import { MAX_CODE_ATTEMPTS } from "../../core/kernel/limits.ts";
import { detectLang } from "../kernel/i18n.ts";
import type { WebPlugin } from "../kernel/plugin.ts";
import { renderPage } from "../kernel/render.ts";
import type { PageBase } from "../kernel/render.ts";
import type { TextKey } from "../kernel/i18n.ts";
import type { HELP_TEXT } from "./i18n-help.ts";

/** The facts the help pages state, from the configuration. */
export interface HelpWebOptions {
  brand: Brand;
  codeTtlSeconds: number;
  /** RATE_LIMIT_CODE_MAILS_PER_CUSTOMER: how many code mails in how long. */
  codeMailLimit: { max: number; windowSeconds: number };
  /** SECURITY_CHANGE_DELAY_HOURS: how long after a supervisor's approval パスキー必須 goes off for a lost device. */
  securityChangeDelayHours: number;
}

/** The help topics with a page of their own (issue 21 item 7): `/help/<topic>`, its title, its views `help-<topic>-ja|en`. */
const TOPICS = { passkeys: "passkeysHelpTitle", freeze: "freezeHelpTitle" } as const satisfies Record<string, TextKey>;

/**
 * The customer help pages, from the seed notice's Q&A (別紙2), in Japanese and English:
 * `/help` (Q1–Q11 and the login steps of 別紙1) and `/help/code-not-received` (Q3's causes),
 * linked from the login page and the code screen; `/help/passkeys` and `/help/freeze`, linked
 * from /help. The facts they state (code lifetime, mail domain, code-mail limit, call center,
 * the delay of a security request) come from the configuration, so the pages say what the
 * service does. No session needed.
 */
export const helpPlugin: WebPlugin<HelpWebOptions> = async (app, { brand, codeTtlSeconds, codeMailLimit, securityChangeDelayHours }) => {
  const base = (request: FastifyRequest): PageBase => ({ lang: detectLang(request), brand });
  const facts = {
    codeTtlMinutes: Math.round(codeTtlSeconds / 60),
    maxCodeAttempts: MAX_CODE_ATTEMPTS,
    codeMailSubject: codeMailSubject(brand),
    codeMailLimit: { max: codeMailLimit.max, windowMinutes: Math.round(codeMailLimit.windowSeconds / 60) },
    securityChangeDelayHours,
  };

  app.get("/help", async (request, reply) => {
    return renderPage(reply, "help", base(request), facts);
  });

  app.get("/help/code-not-received", async (request, reply) => {
    return renderPage(reply, "help-code-not-received", base(request), facts);
  });

  for (const [topic, title] of Object.entries(TOPICS)) {
    app.get(`/help/${topic}`, async (request, reply) => {
      return renderPage(reply, "help-topic", base(request), { ...facts, topic, title });
    });
  }
};

// Its texts (i18n-help.ts) join the UI text, so `t` and TextKey know their keys.
declare module "../kernel/i18n.ts" {
  interface UiTexts extends Record<keyof (typeof HELP_TEXT)["ja"], string> {}
}
