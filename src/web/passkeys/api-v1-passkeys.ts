import type { FastifyInstance } from "fastify";
import type { WebDeps } from "../app.ts";
import type { Passkey } from "../../core/passkeys/ports-passkey.ts";
import { isoJapanTime } from "../../core/kernel/japan-time.ts";
import { apiSession } from "../kernel/api-session.ts";
import { requireBodyType } from "../kernel/content-type.ts";
import { contextOf } from "../kernel/request-context.ts";
import { parseBody } from "../kernel/validation.ts";
import { asAssertion, asAttestation, passkeyParams, passkeyRegistrationBody, passkeyRegistrationOptionsBody, passkeyRenameBody, passkeyRequiredBody } from "./passkey-bodies.ts";

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
export function registerApiV1Passkeys(app: FastifyInstance, deps: WebDeps): void {
  const { sessions } = deps;
  const { registration, management, required } = deps.passkeys;
  const loggedIn = apiSession(sessions);

  app.register(
    async (api) => {
      api.addHook("preHandler", requireBodyType("application/json"));

      api.post("/passkeys/code", async (request) => {
        const current = await loggedIn(request);
        const sent = await registration.sendCode(current, contextOf(request));
        return { status: "code_sent", maskedEmail: sent.maskedEmail, sentAt: isoJapanTime(sent.sentAt), expiresAt: isoJapanTime(sent.expiresAt) };
      });

      api.post("/passkeys/registration/options", async (request) => {
        const current = await loggedIn(request);
        const { code } = parseBody(passkeyRegistrationOptionsBody, request.body);
        return { options: await registration.options(current, { code }, contextOf(request)) };
      });

      api.post("/passkeys", async (request) => {
        const current = await loggedIn(request);
        const body = parseBody(passkeyRegistrationBody, request.body);
        const passkey = await registration.register(current, { name: body.name, response: asAttestation(body.response) }, contextOf(request));
        return { id: passkey.id, name: passkey.name, createdAt: isoJapanTime(passkey.createdAt) };
      });

      api.get("/passkeys", async (request) => {
        const current = await loggedIn(request);
        return { items: (await management.list(current)).map(listed) };
      });

      api.patch("/passkeys/:id", async (request) => {
        const current = await loggedIn(request);
        const { id } = parseBody(passkeyParams, request.params);
        const { name } = parseBody(passkeyRenameBody, request.body);
        return listed(await management.rename(current, id, name, contextOf(request)));
      });

      api.delete("/passkeys/:id", async (request) => {
        const current = await loggedIn(request);
        const { id } = parseBody(passkeyParams, request.params);
        await management.remove(current, id, contextOf(request));
        return { status: "ok" };
      });

      api.get("/settings/passkey-required", async (request) => {
        const current = await loggedIn(request);
        return { enabled: await required.isOn(current) };
      });

      api.post("/settings/passkey-required/options", async (request) => {
        const current = await loggedIn(request);
        return { options: await required.options(current) };
      });

      api.put("/settings/passkey-required", async (request) => {
        const current = await loggedIn(request);
        const body = parseBody(passkeyRequiredBody, request.body);
        await required.set(current, { enabled: body.enabled, response: asAssertion(body.response) }, contextOf(request));
        return { enabled: body.enabled };
      });
    },
    { prefix: "/api/v1" },
  );
}
