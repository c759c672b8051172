import { z } from "zod";
import type { RegistrationResponseJSON } from "@simplewebauthn/server";
import { ANY_CONTROL, BROKEN_ENCODING } from "../../core/kernel/credentials.ts";
import { codeStepBody } from "../kernel/validation.ts";
import { attachment, base64url, credentialId, extensionResults, passkeyAssertionShape } from "../kernel/passkey-assertion.ts";

/** RegistrationResponseJSON: a new passkey's attestation. */
export const passkeyAttestationShape = z.object({
  id: credentialId,
  rawId: credentialId,
  type: z.literal("public-key"),
  response: z.object({
    clientDataJSON: base64url(4096),
    attestationObject: base64url(12 * 1024),
    authenticatorData: base64url(4096).optional(),
    transports: z.array(z.string().max(32)).max(10).optional(),
    publicKeyAlgorithm: z.number().int().optional(),
    publicKey: base64url(2048).optional(),
  }),
  authenticatorAttachment: attachment,
  clientExtensionResults: extensionResults,
});

export function asAttestation(shape: z.infer<typeof passkeyAttestationShape>): RegistrationResponseJSON {
  return shape as RegistrationResponseJSON;
}

/** A passkey's name as typed; the exact rule (1–40 characters, no hidden ones) is the core's. */
const passkeyName = z
  .string()
  .max(400)
  .refine((value) => !BROKEN_ENCODING.test(value) && !ANY_CONTROL.test(value), { message: "broken encoding or control character" });

export const passkeyRegistrationOptionsBody = codeStepBody;
export const passkeyRegistrationBody = z.object({ name: passkeyName, response: passkeyAttestationShape });
export const passkeyRenameBody = z.object({ name: passkeyName });
/** A passkey in the path: our random row ID. */
export const passkeyParams = z.object({ id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/u) });
export const passkeyLoginBody = z.object({ response: passkeyAssertionShape });
export const passkeyRequiredBody = z.object({ enabled: z.boolean(), response: passkeyAssertionShape });
