import { z } from "zod";
import type { AuthenticationResponseJSON } from "@simplewebauthn/server";

// The envelopes of @simplewebauthn/browser's answers (issue 13 §7), bounded: base64url fields of
// sane sizes (a credential ID is at most 1,023 bytes: WebAuthn §5.1), unknown fields dropped. What
// they say (challenge, origin, flags, signature) is the core's to check, answering [5161].
export const base64url = (maxLength: number): z.ZodString => z.string().max(maxLength).regex(/^[A-Za-z0-9_-]*$/u, "must be base64url");
export const credentialId = base64url(1400).min(1);
export const extensionResults = z.record(z.string(), z.unknown()).default({});
export const attachment = z.enum(["platform", "cross-platform"]).optional();

/** AuthenticationResponseJSON: a passkey's assertion (login, パスキー必須, and the confirmations, hence the kernel). */
export const passkeyAssertionShape = z.object({
  id: credentialId,
  rawId: credentialId,
  type: z.literal("public-key"),
  response: z.object({
    clientDataJSON: base64url(4096),
    authenticatorData: base64url(4096),
    signature: base64url(1024),
    userHandle: base64url(1400).optional(),
  }),
  authenticatorAttachment: attachment,
  clientExtensionResults: extensionResults,
});

/** The checked envelope as the core takes it (zod's record stands for the extension outputs). */
export function asAssertion(shape: z.infer<typeof passkeyAssertionShape>): AuthenticationResponseJSON {
  return shape as AuthenticationResponseJSON;
}
