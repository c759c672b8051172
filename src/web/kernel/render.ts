import { fileURLToPath } from "node:url";
import { basename } from "node:path";
import { viewsByName } from "./views-by-name.ts";
import { Eta } from "eta";
import type { FastifyReply } from "fastify";
import type { Brand } from "../../core/kernel/brand.ts";
import type { ErrorReason } from "../../core/kernel/error-reasons.ts";
import type { Lang, TextKey } from "./i18n.ts";
import { langQuery, t } from "./i18n.ts";

const eta = new Eta({
  views: fileURLToPath(new URL("..", import.meta.url)),
  autoEscape: true,
  cache: true,
});
// A view is named by its file name alone ("login", "./csrf-field"), wherever its feature folder
// keeps it, so a view can move with its feature without its name changing in routes or includes.
const viewFiles = viewsByName(fileURLToPath(new URL("..", import.meta.url)));
eta.resolvePath = (template: string): string => {
  const name = basename(template, ".eta");
  const file = viewFiles.get(name);
  if (file === undefined) {
    throw new Error(`no view named ${name} under src/web`);
  }
  return file;
};

export interface PageError {
  code: string;
  message: string;
  hint: string | null;
  /** Machine-readable, for the API (a refused password's rule); pages show the message. */
  reason?: ErrorReason | null;
}

/** What every page gets, besides its own data. */
export interface PageBase {
  lang: Lang;
  brand: Brand;
}

/**
 * A page's HTML alone, for answers fastify does not send: the OpenID Provider's own pages (logout
 * confirmation, its errors), which oidc-provider writes. Such a page has no form of ours (the
 * provider's logout form carries its own token), so no CSRF token is offered.
 */
export function renderHtml(name: string, base: PageBase, data: Record<string, unknown>): string {
  const helpers = {
    t: (key: TextKey, values?: Record<string, string>): string => t(base.lang, key, values),
    q: langQuery(base.lang),
    csrfToken: (): string => {
      throw new Error(`${name} has a form of ours; render it with renderPage`);
    },
  };
  return eta.render(name, { ...base, ...helpers, ...data });
}

/** Renders `views/NAME.eta` inside the layout as an HTML response. */
export function renderPage(reply: FastifyReply, name: string, base: PageBase, data: Record<string, unknown>, status = 200): FastifyReply {
  // One token per page: without a CSRF cookie yet, each generateCsrf() would make a new
  // secret, and only the last form of a page with several would post.
  let csrfToken: string | null = null;
  const helpers = {
    t: (key: TextKey, values?: Record<string, string>): string => t(base.lang, key, values),
    q: langQuery(base.lang),
    // Called by views/csrf-field.eta, so only a page with a form sets the CSRF cookie.
    csrfToken: (): string => (csrfToken ??= reply.generateCsrf()),
  };
  const html = eta.render(name, { ...base, ...helpers, ...data });
  return reply.code(status).type("text/html; charset=utf-8").send(html);
}
