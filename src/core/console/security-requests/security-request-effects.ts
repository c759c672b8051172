import type { Brand } from "../../kernel/brand.ts";
import type { AtomicStores, Customer, OutboxMail, Random } from "../../kernel/ports.ts";
import type { SecurityRequest } from "./ports-security-requests.ts";
import { noticeMail } from "../../mail/notice.ts";
import { buildNotice } from "../../mail/notice-kinds.ts";
import { applyEmailChange, emailChangeMails } from "./email-change.ts";

/** What a change that took effect did, for the audit log (masked addresses, counts). */
export type EffectDetail = Record<string, string | number | boolean | null>;

/** The customer's notices of a request taking effect at `at`: the risk of MFA off, パスキー必須 off, the old and the new address told. */
export function effectMails(deps: { brand: Brand; random: Random }, request: SecurityRequest, customer: Customer, at: number): OutboxMail[] {
  const { brand, random } = deps;
  if (request.kind === "email_change") {
    return emailChangeMails(deps, customer, request.newEmail ?? "", at);
  }
  const notice = buildNotice(request.kind === "mfa_off" ? "mfa-off" : "passkey-required-off-by-call-center", brand, { at });
  return [noticeMail(brand, customer, notice, { id: random.id(), createdAt: at })];
}

/**
 * Makes an approved request effective inside the caller's transaction (the one that queues its
 * mails): first the conditional state change (approved and due → effective: once, whichever
 * instance is first), then the change itself. Null, so the transaction rolls back, when the
 * request was not due and approved any more, or a 重要メール change finds the address changed meanwhile.
 */
export async function applySecurityRequest(stores: AtomicStores, request: SecurityRequest, customer: Customer, at: number, holdMs: number): Promise<EffectDetail | null> {
  if (!(await stores.securityRequests.markEffective(request.id, at))) {
    return null;
  }
  if (request.kind === "mfa_off") {
    // False when it already was off: nothing else to do, and the request is still done.
    await stores.customers.setMfaEnabled(customer.id, false);
    return {};
  }
  if (request.kind === "passkey_required_off") {
    await stores.passkeys.setRequired(customer.id, false);
    return {};
  }
  const result = await applyEmailChange(stores, customer, request.newEmail ?? "", at, at + holdMs);
  return result === null ? null : { ...result, recoveryHeldUntil: holdMs > 0 ? at + holdMs : null };
}
