import type { Clock, CustomerStore, PasswordHasher, Random } from "./core/kernel/ports.ts";
import { registerCustomer } from "./core/customers/customer-registration.ts";

export interface DemoCredentials {
  loginId: string;
  password: string;
}

const DEMO_LOGIN_ID = "demo";
// Fictional; for trying the forgotten-password and forgotten-ID flows (issue 11).
const DEMO_BIRTH_DATE = "1990-04-01";

/**
 * Development only: makes sure the demo customer exists and gives it a fresh
 * random password on every start, so the password printed at start always works
 * and no fixed password ever exists.
 */
export async function ensureDemoCustomer(deps: { customers: CustomerStore; hasher: PasswordHasher; clock: Clock; random: Random }): Promise<DemoCredentials> {
  const password = deps.random.token(12);
  const existing = await deps.customers.findByLoginId(DEMO_LOGIN_ID);
  if (existing === null) {
    await registerCustomer(deps, { loginId: DEMO_LOGIN_ID, email: "demo@example.co.jp", name: "デモ 太郎", birthDate: DEMO_BIRTH_DATE, password });
  } else {
    await deps.customers.updatePasswordHash(existing.id, await deps.hasher.hash(password));
  }
  return { loginId: DEMO_LOGIN_ID, password };
}
