import type { LoginDeps } from "./login-deps.ts";
import type { RequestContext } from "../kernel/request-context.ts";
import { auditCustomerEvent } from "../kernel/audit.ts";
import { AuthError } from "../kernel/errors.ts";

/** 5104: the customer made the passkey required (パスキー必須): the password step is refused. */
export class PasskeyRequiredError extends AuthError {
  static readonly code = "5104";

  constructor(callCenterPhone: string, detail: string) {
    super(
      PasskeyRequiredError.code,
      {
        ja: `この口座はパスキーでのログインが必須に設定されています。パスキーでログインするか、コールセンター（${callCenterPhone}）までご連絡ください。`,
        en: `This account requires a passkey to log in. Please log in with your passkey, or call the call center (${callCenterPhone}).`,
      },
      detail,
    );
  }
}

/**
 * The password step's check (issue 13 §3): a customer with パスキー必須 on is refused [5104],
 * audited as `login.refused_passkey_required`. Asked only after the password was right, so the
 * answer tells nothing to someone who does not know it.
 */
export async function refuseIfPasskeyRequired(deps: Pick<LoginDeps, "passkeyRequirement" | "audit" | "settings">, customerId: string, context: RequestContext): Promise<void> {
  if (await deps.passkeyRequirement.isRequired(customerId)) {
    await auditCustomerEvent(deps.audit, context, "login.refused_passkey_required", "refused", customerId, { step: "password" });
    throw new PasskeyRequiredError(deps.settings.brand.callCenterPhone, `customer ${customerId} requires a passkey`);
  }
}
