import type { FastifyReply, FastifyRequest } from "fastify";
import type { Brand } from "../../core/kernel/brand.ts";
import type { AuthenticatedOperator } from "../../core/console/operators/operator-session.ts";
import type { Lang } from "../kernel/i18n.ts";
import type { ConsoleTextKey } from "./i18n-console.ts";
import { consoleText } from "./i18n-console.ts";
import { detectLang } from "../kernel/i18n.ts";
import { renderPage } from "../kernel/render.ts";

/** Who is at the console, as the layout shows it (never the operator's ID or secrets). */
export interface ConsoleViewer {
  name: string;
  loginId: string;
  role: "agent" | "supervisor";
}

/** What every console page gets: its language, the brand, the operator (null on the login page), the path and the other language's link. */
export interface ConsolePageBase {
  lang: Lang;
  brand: Brand;
  operator: ConsoleViewer | null;
  path: string;
  switchLangHref: string;
}

export function consolePageBase(request: FastifyRequest, brand: Brand, current: AuthenticatedOperator | null): ConsolePageBase {
  const lang = detectLang(request);
  const url = new URL(request.url, "http://console.invalid");
  url.searchParams.set("lang", lang === "en" ? "ja" : "en");
  // The other language keeps the page's filters (the audit log), not a message already shown.
  url.searchParams.delete("done");
  const operator = current === null ? null : { name: current.operator.name, loginId: current.operator.loginId, role: current.operator.role };
  return { lang, brand, operator, path: url.pathname, switchLangHref: `${url.pathname}${url.search}` };
}

/**
 * Renders `views/NAME.eta` (inside views/console-layout.eta) with the console's own text:
 * `it.t` reads i18n-console.ts, so no console page borrows a customer string by accident.
 */
export function renderConsolePage(reply: FastifyReply, name: string, base: ConsolePageBase, data: Record<string, unknown>, status = 200): FastifyReply {
  const t = (key: ConsoleTextKey, values?: Record<string, string>): string => consoleText(base.lang, key, values);
  return renderPage(reply, name, { lang: base.lang, brand: base.brand }, { ...data, operator: base.operator, path: base.path, switchLangHref: base.switchLangHref, t }, status);
}

/** `path` with `?lang=en` kept and `params` added: where a console form posts and redirects. */
export function consoleHref(path: string, lang: Lang, params: Record<string, string> = {}): string {
  const search = new URLSearchParams(params);
  if (lang === "en") {
    search.set("lang", "en");
  }
  const query = search.toString();
  return query === "" ? path : `${path}?${query}`;
}
