import type { Brand } from "../../kernel/brand.ts";
import type { AtomicStores, Customer, OutboxMail, Random } from "../../kernel/ports.ts";
import { isValidEmail, maskEmail } from "../../kernel/email-address.ts";
import { InvalidInputError } from "../../kernel/errors.ts";
import { operatorActionRefused } from "../console-errors.ts";
import { noticeMail } from "../../mail/notice.ts";
import { buildNotice } from "../../mail/notice-kinds.ts";

/** What an e-mail change did, for the audit log: addresses masked, as operators see them. */
export interface EmailChangeResult {
  from: string;
  to: string;
  sessionsEnded: number;
  codesSuperseded: number;
}

/**
 * A new 重要メール as typed by the operator, checked as customer registration checks it
 * (isValidEmail, [4000]) and refused when it is the current one ([4000] `same_email`; mail
 * systems treat addresses without regard to case in practice).
 */
export function checkedNewEmail(customer: Customer, typed: string): string {
  const newEmail = typed.trim();
  if (!isValidEmail(newEmail)) {
    throw new InvalidInputError(`not a valid e-mail address for customer ${customer.id}`);
  }
  if (newEmail.toLowerCase() === customer.email.toLowerCase()) {
    throw operatorActionRefused("same_email", `customer ${customer.id}: the new address is the current one`);
  }
  return newEmail;
}

/** The two notices of a change made at `at`: one to the old address, one to the new, so neither mailbox learns the other address. */
export function emailChangeMails(deps: { brand: Brand; random: Random }, customer: Customer, newEmail: string, at: number): OutboxMail[] {
  const { brand, random } = deps;
  return [
    noticeMail(brand, customer, buildNotice("email-changed-old-address", brand, { at }), { id: random.id(), createdAt: at }),
    noticeMail(brand, { ...customer, email: newEmail }, buildNotice("email-changed-new-address", brand, { at }), { id: random.id(), createdAt: at }),
  ];
}

/**
 * The 重要メール change (seed Q3-④) inside the caller's transaction (a security request taking
 * effect): the address changes only if it still is the one read (null otherwise: nothing to do),
 * every pending login code and step-up code is superseded (a code mailed to the old address must
 * not work), every session ends, and recovery by emailed code is held until `holdUntil`.
 */
export async function applyEmailChange(stores: AtomicStores, customer: Customer, newEmail: string, at: number, holdUntil: number): Promise<EmailChangeResult | null> {
  if (!(await stores.customers.changeEmail(customer.id, customer.email, newEmail))) {
    return null;
  }
  const codesSuperseded = (await stores.challenges.supersedePending(customer.id)) + (await stores.stepUps.supersedePending(customer.id));
  const sessionsEnded = await stores.sessions.endAllForCustomer(customer.id, at, "email_changed");
  if (holdUntil > at) {
    await stores.customers.holdEmailRecovery(customer.id, holdUntil);
  }
  return { from: maskEmail(customer.email), to: maskEmail(newEmail), sessionsEnded, codesSuperseded };
}
