import type { Passkey } from "../../core/passkeys/ports-passkey.ts";
import { isoJapanTime } from "../../core/kernel/japan-time.ts";
import { customerApi, sessionOf } from "../kernel/customer-session.ts";
import { asAssertion } from "../kernel/passkey-assertion.ts";
import type { WebPlugin } from "../kernel/plugin.ts";
import { contextOf } from "../kernel/request-context.ts";
import { parseBody } from "../kernel/validation.ts";
import { asAttestation, passkeyParams, passkeyRegistrationBody, passkeyRegistrationOptionsBody, passkeyRenameBody, passkeyRequiredBody } from "./passkey-bodies.ts";
import type { PasskeyWebOptions } from "./passkey-plugin.ts";

/** A passkey as the customer's list shows it: never the key or the credential ID. */
function listed(passkey: Passkey): { id: string; name: string; createdAt: string; lastUsedAt: string | null; backedUp: boolean } {
  return {
    id: passkey.id,
    name: passkey.name,
    createdAt: isoJapanTime(passkey.createdAt),
    lastUsedAt: passkey.lastUsedAt === null ? null : isoJapanTime(passkey.lastUsedAt),
    backedUp: passkey.backedUp,
  };
}

/**
 * The customer's passkeys in the smartphone app and the pages (issue 13 §7): registration after a
 * fresh emailed code, the list, rename, remove, and パスキー必須. Every route needs a live session
 * ([4010]); a refused attestation or assertion is [5161].
 */
export const passkeyApi: WebPlugin<PasskeyWebOptions> = async (api, { sessions, registration, management, required }) => {
  customerApi(api, sessions);

  api.post("/passkeys/code", async (request) => {
    const sent = await registration.sendCode(sessionOf(request), contextOf(request));
    return { status: "code_sent", maskedEmail: sent.maskedEmail, sentAt: isoJapanTime(sent.sentAt), expiresAt: isoJapanTime(sent.expiresAt) };
  });

  api.post("/passkeys/registration/options", async (request) => {
    const { code } = parseBody(passkeyRegistrationOptionsBody, request.body);
    return { options: await registration.options(sessionOf(request), { code }, contextOf(request)) };
  });

  api.post("/passkeys", async (request) => {
    const body = parseBody(passkeyRegistrationBody, request.body);
    const passkey = await registration.register(sessionOf(request), { name: body.name, response: asAttestation(body.response) }, contextOf(request));
    return { id: passkey.id, name: passkey.name, createdAt: isoJapanTime(passkey.createdAt) };
  });

  api.get("/passkeys", async (request) => {
    return { items: (await management.list(sessionOf(request))).map(listed) };
  });

  api.patch("/passkeys/:id", { schema: { params: passkeyParams } }, async (request) => {
    const { name } = parseBody(passkeyRenameBody, request.body);
    return listed(await management.rename(sessionOf(request), request.params.id, name, contextOf(request)));
  });

  api.delete("/passkeys/:id", { schema: { params: passkeyParams } }, async (request) => {
    await management.remove(sessionOf(request), request.params.id, contextOf(request));
    return { status: "ok" };
  });

  api.get("/settings/passkey-required", async (request) => {
    return { enabled: await required.isOn(sessionOf(request)) };
  });

  api.post("/settings/passkey-required/options", async (request) => {
    return { options: await required.options(sessionOf(request)) };
  });

  api.put("/settings/passkey-required", async (request) => {
    const body = parseBody(passkeyRequiredBody, request.body);
    await required.set(sessionOf(request), { enabled: body.enabled, response: asAssertion(body.response) }, contextOf(request));
    return { enabled: body.enabled };
  });
};
