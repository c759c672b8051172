import type { Brand } from "./brand.ts";
import type { Clock, Customer, MailOutbox, Random } from "./ports.ts";
import { isValidEmail, maskEmail } from "./email-address.ts";
import { InvalidInputError } from "./errors.ts";
import { OperatorActionRefusedError } from "./console-errors.ts";
import { noticeMail } from "./notice.ts";
import { emailChangeOldAddressNotice } from "./email-change-old-address-notice.ts";
import { emailChangeNewAddressNotice } from "./email-change-new-address-notice.ts";

/** What an e-mail change did, for the audit log: addresses masked, as operators see them. */
export interface EmailChangeResult {
  from: string;
  to: string;
  sessionsEnded: number;
  codesSuperseded: number;
}

/**
 * The 重要メール change (seed Q3-④), made by the call center. In one transaction: the address
 * changes (only if it still is the one read: two operators racing cannot both change it),
 * every pending login code and step-up code is superseded (a code mailed to the old address
 * must not work), every session ends, and two notices are queued: one to the old address,
 * one to the new, so neither mailbox learns the other address.
 */
export async function changeEmail(deps: { outbox: MailOutbox; clock: Clock; random: Random; brand: Brand }, customer: Customer, typed: string): Promise<EmailChangeResult> {
  // Checked as customer registration checks it (customerDetailProblems: isValidEmail).
  const newEmail = typed.trim();
  if (!isValidEmail(newEmail)) {
    throw new InvalidInputError(`not a valid e-mail address for customer ${customer.id}`);
  }
  // Mail systems treat the domain, and in practice the local part, without regard to case.
  if (newEmail.toLowerCase() === customer.email.toLowerCase()) {
    throw new OperatorActionRefusedError("same_email", `customer ${customer.id}: the new address is the current one`);
  }
  const { brand, clock, random, outbox } = deps;
  const now = clock.now();
  const mails = [
    noticeMail(brand, customer, emailChangeOldAddressNotice(brand, { changedAt: now }), { id: random.id(), createdAt: now }),
    noticeMail(brand, { ...customer, email: newEmail }, emailChangeNewAddressNotice(brand, { changedAt: now }), { id: random.id(), createdAt: now }),
  ];
  let sessionsEnded = 0;
  let codesSuperseded = 0;
  const changed = await outbox.queueWith(mails, async (stores) => {
    if (!(await stores.customers.changeEmail(customer.id, customer.email, newEmail))) {
      return false;
    }
    codesSuperseded = (await stores.challenges.supersedePending(customer.id)) + (await stores.stepUps.supersedePending(customer.id));
    sessionsEnded = await stores.sessions.endAllForCustomer(customer.id, now);
    return true;
  });
  if (!changed) {
    throw new OperatorActionRefusedError("changed_meanwhile", `customer ${customer.id}: the address changed meanwhile`);
  }
  return { from: maskEmail(customer.email), to: maskEmail(newEmail), sessionsEnded, codesSuperseded };
}
