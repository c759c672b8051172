import { randomUUID } from "node:crypto";
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

/** What every view may call: the text in the reader's language, its `?lang=` and the CSRF token of the page's forms. */
function helpersFor(lang: Lang, csrfToken: () => string): { t: (key: TextKey, values?: Record<string, string>) => string; q: string; csrfToken: () => string } {
  return { t: (key, values) => t(lang, key, values), q: langQuery(lang), csrfToken };
}

/**
 * A page's HTML alone, for answers fastify does not send: the OpenID Provider's own pages (logout
 * confirmation, its errors), which oidc-provider writes. Such a page has no form of ours (the
 * provider's logout form carries its own token), so no CSRF token is offered.
 */
export function renderHtml(name: string, base: PageBase, data: Record<string, unknown>): string {
  const helpers = helpersFor(base.lang, () => {
    throw new Error(`${name} has a form of ours; render it with renderPage`);
  });
  return eta.render(name, { ...base, ...helpers, ...data });
}

/**
 * This reply's CSRF token, one per page: without a CSRF cookie yet, each generateCsrf() would make a
 * new secret, and only the last form of a page with several would post. Called only by a page with a
 * form (views/csrf-field.eta), so only such a page sets the CSRF cookie.
 */
function csrfTokenOf(reply: FastifyReply): () => string {
  let token: string | null = null;
  return (): string => (token ??= reply.generateCsrf());
}

/** Renders `views/NAME.eta` inside the layout as an HTML response. */
export function renderPage(reply: FastifyReply, name: string, base: PageBase, data: Record<string, unknown>, status = 200): FastifyReply {
  const html = eta.render(name, { ...base, ...helpersFor(base.lang, csrfTokenOf(reply)), ...data });
  return reply.code(status).type("text/html; charset=utf-8").send(html);
}

// Stands for the CSRF token in a page kept in memory: letters, digits and dashes, which escaping leaves as they are.
const TOKEN_SLOT = `csrf-slot-${randomUUID()}`;
// A CSRF token (@fastify/csrf: base62 salt, base64url hash) needs no escaping in an attribute.
const PLAIN_TOKEN = /^[\w-]+$/u;
// Kept pages per brand (each app's config has its own), each split where its token goes. Their keys come from
// closed sets (a language, a flag, a notice word), so this stays small; past the cap a page is rendered each time.
const keptPages = new WeakMap<Brand, Map<string, string[]>>();
const MAX_KEPT_PAGES = 64;

/**
 * `renderPage` for a page whose HTML depends on nothing but `key`, the reader's language and the brand,
 * besides its CSRF token (the login page): rendered once, then served from memory with this reply's token
 * put in (issue 23: eta rendering the layout and its includes was the page's largest cost after helmet).
 * `key` names every value in `data`; a page showing anything typed, personal or read from the request
 * is rendered with `renderPage`. The token is made and its cookie set exactly as `renderPage` does.
 */
export function renderKeptPage(reply: FastifyReply, name: string, base: PageBase, data: Record<string, unknown>, key: string): FastifyReply {
  let pages = keptPages.get(base.brand);
  if (pages === undefined) {
    pages = new Map();
    keptPages.set(base.brand, pages);
  }
  const pageKey = `${name}\n${base.lang}\n${key}`;
  let parts = pages.get(pageKey);
  if (parts === undefined) {
    parts = eta.render(name, { ...base, ...helpersFor(base.lang, () => TOKEN_SLOT), ...data }).split(TOKEN_SLOT);
    if (pages.size < MAX_KEPT_PAGES) {
      pages.set(pageKey, parts);
    }
  }
  let html = parts[0] ?? "";
  if (parts.length > 1) {
    const token = csrfTokenOf(reply)();
    if (!PLAIN_TOKEN.test(token)) {
      throw new Error("a CSRF token with characters that need escaping");
    }
    html = parts.join(token);
  }
  return reply.code(200).type("text/html; charset=utf-8").send(html);
}
