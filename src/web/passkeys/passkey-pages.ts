import type { FastifyInstance } from "fastify";
import type { WebDeps } from "../app.ts";
import { formatJapanTime } from "../../core/kernel/japan-time.ts";
import { detectLang } from "../kernel/i18n.ts";
import type { TextKey } from "../kernel/i18n.ts";
import { renderPage } from "../kernel/render.ts";
import { sessionOrLogin } from "../kernel/page-session.ts";

/** `?done=…` after a change made by static/passkeys.js: the confirmation it shows. Nothing else is shown. */
const DONE: Readonly<Record<string, TextKey>> = {
  registered: "passkeyDoneRegistered",
  renamed: "passkeyDoneRenamed",
  removed: "passkeyDoneRemoved",
  "required-on": "passkeyDoneRequiredOn",
  "required-off": "passkeyDoneRequiredOff",
};

/** `2026/11/25 09:30` in Japan time: to the minute, so a date and its time fit one line on a phone. */
function toTheMinute(epochMs: number): string {
  return formatJapanTime(epochMs).slice(0, 16);
}

/**
 * パスキー (`/passkeys`, issue 13 §1, §3), linked from マイページ: the customer's passkeys and
 * パスキー必須, rendered here so they show without JavaScript too; registering, renaming,
 * removing and the setting go through the JSON API (/api/v1/passkeys…, /api/v1/settings/
 * passkey-required) from static/passkeys.js, the same routes as the smartphone app.
 */
export function registerPasskeyPages(app: FastifyInstance, deps: Pick<WebDeps, "config" | "sessions" | "passkeys">): void {
  const { config, sessions } = deps;
  const { management, required } = deps.passkeys;

  app.get("/passkeys", async (request, reply) => {
    const current = await sessionOrLogin(sessions, request, reply);
    if (current === null) {
      return reply;
    }
    const [list, isRequired] = await Promise.all([management.list(current), required.isOn(current)]);
    const done = (request.query as Record<string, unknown> | undefined)?.["done"];
    return renderPage(reply, "passkeys", { lang: detectLang(request), brand: config.brand }, {
      passkeys: list.map((passkey) => ({
        id: passkey.id,
        name: passkey.name,
        createdAt: toTheMinute(passkey.createdAt),
        lastUsedAt: passkey.lastUsedAt === null ? null : toTheMinute(passkey.lastUsedAt),
        backedUp: passkey.backedUp,
      })),
      required: isRequired,
      done: typeof done === "string" && Object.hasOwn(DONE, done) ? DONE[done] : null,
    });
  });
}
