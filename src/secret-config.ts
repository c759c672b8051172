/** Only for development; a production start with it is refused. */
export const DEVELOPMENT_SECRET = "development-only-secret-do-not-use-in-production";

const MIN_SECRET_LENGTH = 32;

/**
 * The server's keyring (issue 22 §4): `SERVER_SECRETS=new,old…`, or `SERVER_SECRET` as the
 * one-key form. The first secret makes every new code HMAC and sealed body; the others only
 * verify and open what was made before a rotation. Each problem is added to `problems`
 * naming its variable (config.ts stops the start with all of them).
 */
export function serverSecretSettings(
  env: Record<string, string | undefined>,
  production: boolean,
  problems: string[],
  warnings: string[],
): string[] {
  const single = blankToUndefined(env["SERVER_SECRET"]);
  const ring = blankToUndefined(env["SERVER_SECRETS"]);
  let secrets: string[];
  if (ring === undefined) {
    secrets = [single ?? DEVELOPMENT_SECRET];
    if (single !== undefined && single.length < MIN_SECRET_LENGTH) {
      problems.push(`  SERVER_SECRET: must be at least ${MIN_SECRET_LENGTH} characters`);
    }
  } else {
    secrets = ring.split(",").map((secret) => secret.trim());
    secrets.forEach((secret, index) => {
      if (secret.length < MIN_SECRET_LENGTH) {
        problems.push(`  SERVER_SECRETS: secret ${index + 1} must be at least ${MIN_SECRET_LENGTH} characters (secrets are separated by commas)`);
      }
    });
    if (new Set(secrets).size !== secrets.length) {
      problems.push("  SERVER_SECRETS: a secret is listed twice");
    }
    // Both set is allowed only as the one-key form naming the current secret: anything else is ambiguous.
    if (single !== undefined && single !== secrets[0]) {
      problems.push("  SERVER_SECRET, SERVER_SECRETS: set one of them (SERVER_SECRETS=new,old…), or SERVER_SECRET equal to the first of SERVER_SECRETS");
    }
  }
  if (secrets.includes(DEVELOPMENT_SECRET)) {
    if (production) {
      problems.push(`  ${ring === undefined ? "SERVER_SECRET" : "SERVER_SECRETS"}: set a random secret of at least ${MIN_SECRET_LENGTH} characters in production`);
    } else {
      warnings.push("SERVER_SECRET is the development default; never use it in production");
    }
  }
  return secrets;
}

function blankToUndefined(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === "" ? undefined : value;
}
