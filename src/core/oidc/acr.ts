/**
 * The `acr` values of okb-login's ID tokens (issue 20 item 4, DESIGN §7): how strongly the customer
 * logged in, from the session's RFC 8176 methods (`/api/v1/session`'s `authMethods`, the ID token's `amr`).
 */
export const ACR_PASSKEY = "urn:okb:acr:passkey";
export const ACR_MFA = "urn:okb:acr:mfa";
export const ACR_PASSWORD = "urn:okb:acr:password";

/** Strongest first, as discovery lists them. */
export const ACR_VALUES = [ACR_PASSKEY, ACR_MFA, ACR_PASSWORD] as const;

export type Acr = (typeof ACR_VALUES)[number];

/** A passkey login ("hwk"), password + emailed code ("otp"), or the password alone (MFA turned off by the call center). */
export function acrOf(authMethods: readonly string[]): Acr {
  if (authMethods.includes("hwk")) {
    return ACR_PASSKEY;
  }
  return authMethods.includes("otp") ? ACR_MFA : ACR_PASSWORD;
}

const STRENGTH: Record<Acr, number> = { [ACR_PASSKEY]: 3, [ACR_MFA]: 2, [ACR_PASSWORD]: 1 };

/**
 * Does a login of `acr` meet what the client asked with `acr_values` (space-separated; voluntary in
 * OpenID Connect, enforced here: a trading site asks for the passkey before a withdrawal)? The weakest
 * value asked for is the floor, and a stronger login meets it; values we do not know are ignored.
 */
export function meetsRequestedAcr(acr: Acr, acrValues: string | undefined): boolean {
  const floors = (acrValues ?? "")
    .split(" ")
    .filter((value): value is Acr => (ACR_VALUES as readonly string[]).includes(value))
    .map((value) => STRENGTH[value]);
  return floors.length === 0 || STRENGTH[acr] >= Math.min(...floors);
}
