import { z } from "zod";
import { formatJapanTime } from "../../core/kernel/japan-time.ts";
import { restsOnOneDevice } from "../../core/passkeys/passkey-required.ts";
import { customerPages, sessionOf } from "../kernel/customer-session.ts";
import { detectLang } from "../kernel/i18n.ts";
import type { TextKey } from "../kernel/i18n.ts";
import type { WebPlugin } from "../kernel/plugin.ts";
import { renderPage } from "../kernel/render.ts";
import { queryWord } from "../kernel/route-parameters.ts";
import type { PasskeyWebOptions } from "./passkey-plugin.ts";

/** `?done=…` after a change made by passkeys.js: the confirmation it shows. Nothing else is shown. */
const DONE = {
  registered: "passkeyDoneRegistered",
  renamed: "passkeyDoneRenamed",
  removed: "passkeyDoneRemoved",
  "required-on": "passkeyDoneRequiredOn",
  "required-off": "passkeyDoneRequiredOff",
} as const satisfies Record<string, TextKey>;

const passkeysQuery = z.object({ done: queryWord(...(Object.keys(DONE) as Array<keyof typeof DONE>)) });

/** `2026/11/25 09:30` in Japan time: to the minute, so a date and its time fit one line on a phone. */
function toTheMinute(epochMs: number): string {
  return formatJapanTime(epochMs).slice(0, 16);
}

/**
 * パスキー (`/passkeys`, issue 13 §1, §3), linked from マイページ: the customer's passkeys and
 * パスキー必須, rendered here so they show without JavaScript too; registering, renaming,
 * removing and the setting go through the JSON API (/api/v1/passkeys…, /api/v1/settings/
 * passkey-required) from passkeys.js, the same routes as the smartphone app.
 */
export const passkeyPages: WebPlugin<PasskeyWebOptions> = async (app, { brand, sessions, management, required }) => {
  customerPages(app, sessions);

  app.get("/passkeys", { schema: { querystring: passkeysQuery } }, async (request, reply) => {
    const current = sessionOf(request);
    const [list, isRequired] = await Promise.all([management.list(current), required.isOn(current)]);
    const { done } = request.query;
    return renderPage(reply, "passkeys", { lang: detectLang(request), brand }, {
      passkeys: list.map((passkey) => ({
        id: passkey.id,
        name: passkey.name,
        createdAt: toTheMinute(passkey.createdAt),
        lastUsedAt: passkey.lastUsedAt === null ? null : toTheMinute(passkey.lastUsedAt),
        backedUp: passkey.backedUp,
      })),
      required: isRequired,
      // Issue 21 item 6: turning it on with one passkey on one device warns first (passkeys.js).
      warnOneDevice: !isRequired && restsOnOneDevice(list),
      done: done === null ? null : DONE[done],
    });
  });
};
