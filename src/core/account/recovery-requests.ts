import type { LoginIdReminder } from "./login-id-reminder.ts";
import type { PasswordReset } from "./password-reset.ts";
import type { RecoveryRequest } from "./ports-recovery.ts";

/**
 * Resolves a recovery request after its answer (issue 17 item 7): the forgotten-ID reminder's or
 * the forgotten-password request's lookup, code, mail, counting and audit. Run by the recovery
 * worker, once per request (again only when an instance died before finishing it).
 */
export function resolveRecoveryRequest(services: { loginIdReminder: LoginIdReminder; passwordReset: PasswordReset }, request: RecoveryRequest): Promise<void> {
  const { ask } = request;
  if (ask.kind === "login_id_reminder") {
    return services.loginIdReminder.resolve(ask, request);
  }
  return services.passwordReset.resolve(ask, request);
}
