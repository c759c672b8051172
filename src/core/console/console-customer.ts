import type { Customer, CustomerStore } from "../kernel/ports.ts";
import type { OperatorAction } from "./operator-action.ts";
import { checkedReason } from "./operator-action.ts";
import { normalizeLoginId } from "../kernel/credentials.ts";
import { NotFoundError } from "../kernel/errors.ts";

/**
 * The customer a console action is about, by the login ID the customer reads out over the
 * phone (normalised as at login: NFKC, case); [4040] when there is none.
 */
export async function customerForAction(customers: CustomerStore, loginId: string): Promise<Customer> {
  const customer = await customers.findByLoginId(normalizeLoginId(loginId));
  if (customer === null) {
    throw new NotFoundError(`no customer with login ID ${JSON.stringify(loginId.slice(0, 80))}`, { what: "customer" });
  }
  return customer;
}

/** The action with its reason checked and normalised ([4000] when missing or with hidden characters): checked before anything is read or written. */
export function withCheckedReason(action: OperatorAction): OperatorAction {
  return { ...action, reason: checkedReason(action.reason) };
}
