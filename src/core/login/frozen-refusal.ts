import type { LoginDeps } from "./login-deps.ts";
import type { LoginStepName } from "./lockout.ts";
import type { RequestContext } from "../kernel/request-context.ts";
import { auditCustomerEvent } from "../kernel/audit.ts";
import { AccountFrozenError } from "../kernel/errors.ts";

/** Audits a login attempt on a frozen account and returns the [5103] to throw. */
export async function refuseFrozen(deps: Pick<LoginDeps, "audit" | "settings">, customerId: string, context: RequestContext, step: LoginStepName): Promise<AccountFrozenError> {
  await auditCustomerEvent(deps.audit, context, "login.refused_frozen", "refused", customerId, { step });
  return new AccountFrozenError(deps.settings.brand.callCenterPhone, `customer ${customerId} is frozen`);
}
