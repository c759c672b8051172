import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { FastifyReply } from "fastify";
import { loadConfig } from "../../src/config.ts";
import { renderKeptPage, renderPage } from "../../src/web/kernel/render.ts";
import { t, useTexts } from "../../src/web/kernel/i18n.ts";
import type { Lang } from "../../src/web/kernel/i18n.ts";
import { UI_TEXT } from "../../src/web/ui-text.ts";
import type { Brand } from "../../src/core/kernel/brand.ts";

/** A reply that records what is sent, and hands out `tokens` one by one as reply.generateCsrf() would. */
function recordingReply(tokens: string[]): { reply: FastifyReply; sent: { html: string; status: number; type: string; tokensMade: number } } {
  const sent = { html: "", status: 0, type: "", tokensMade: 0 };
  const reply = {
    generateCsrf: (): string => tokens[sent.tokensMade++] ?? "no-more-tokens",
    code(status: number) {
      sent.status = status;
      return reply;
    },
    type(type: string) {
      sent.type = type;
      return reply;
    },
    send(html: string) {
      sent.html = html;
      return reply;
    },
  };
  return { reply: reply as unknown as FastifyReply, sent };
}

/** The login page's data as GET /login builds it without a login ID to fill in. */
function loginData(lang: Lang, loggedOut: boolean, note: "endedIdleTimeout" | "endedAccountLocked" | null): Record<string, unknown> {
  return { loginId: "", focusPassword: false, error: null, invalid: false, loggedOut, sessionNote: note === null ? null : t(lang, note), lockedHelp: note === "endedAccountLocked" };
}

describe("a page kept in memory (renderKeptPage) is the page renderPage renders, with this reply's own CSRF token", () => {
  useTexts(UI_TEXT);
  const brand = loadConfig({}).config.brand;

  it("gives the same HTML, status, type and one token per page, on the first and on later answers", () => {
    for (const lang of ["ja", "en"] as const) {
      for (const loggedOut of [false, true]) {
        for (const note of [null, "endedIdleTimeout", "endedAccountLocked"] as const) {
          const data = loginData(lang, loggedOut, note);
          const key = `${String(loggedOut)} ${note ?? ""}`;
          for (const token of ["AbCd1234-first_token", "ZyXw9876-second-token"]) {
            const rendered = recordingReply([token]);
            renderPage(rendered.reply, "login", { lang, brand }, data);
            const kept = recordingReply([token]);
            renderKeptPage(kept.reply, "login", { lang, brand }, data, key);
            const what = `${lang} loggedOut=${String(loggedOut)} note=${note ?? "none"} token=${token}`;
            assert.ok(rendered.sent.html.includes(`value="${token}"`), what);
            assert.equal(kept.sent.html, rendered.sent.html, what);
            assert.deepEqual({ status: kept.sent.status, type: kept.sent.type, tokensMade: kept.sent.tokensMade }, { status: 200, type: "text/html; charset=utf-8", tokensMade: 1 }, what);
          }
        }
      }
    }
  });

  it("keeps a page per brand: another app's brand gets its own", () => {
    const other: Brand = { ...brand, name: "別の証券", nameEn: "Other Securities" };
    const data = loginData("ja", false, null);
    const first = recordingReply(["tok-1"]);
    renderKeptPage(first.reply, "login", { lang: "ja", brand }, data, "false ");
    const second = recordingReply(["tok-1"]);
    renderKeptPage(second.reply, "login", { lang: "ja", brand: other }, data, "false ");
    assert.ok(second.sent.html.includes("別の証券") && !first.sent.html.includes("別の証券"));
  });

  it("refuses a token that would need escaping rather than put it into the page", () => {
    const { reply } = recordingReply(['tok"><script>']);
    assert.throws(() => renderKeptPage(reply, "login", { lang: "ja", brand }, loginData("ja", false, null), "false "), /escaping/);
  });
});
