import type { PasskeyServiceDeps } from "./passkey-deps.ts";
import type { Passkey, PasskeyRemoval } from "./ports-passkey.ts";
import type { RequestContext } from "../kernel/request-context.ts";
import type { AuthenticatedSession } from "../login/session.ts";
import { auditCustomerEvent } from "../kernel/audit.ts";
import { NotFoundError } from "../kernel/errors.ts";
import { passkeyActionRefused } from "./passkey-errors.ts";
import { noticeMail } from "../mail/notice.ts";
import { readableText } from "../kernel/readable-text.ts";
import { buildNotice } from "../mail/notice-kinds.ts";
import { describeRequestOrigin } from "../kernel/request-origin.ts";

/**
 * The customer's list of passkeys (issue 13 §1): rename and remove, each audited and told by
 * mail with the change in one transaction. Another customer's passkey or an unknown ID is
 * [4040], as if it did not exist. The last passkey cannot be removed while パスキー必須 is on
 * ([4000] `last_passkey_required`): turning that off needs a passkey, so removing the last one
 * would leave the customer needing the call center; the customer turns it off first.
 */
export class PasskeyManagement {
  private readonly deps: PasskeyServiceDeps;

  constructor(deps: PasskeyServiceDeps) {
    this.deps = deps;
  }

  list(current: AuthenticatedSession): Promise<Passkey[]> {
    return this.deps.passkeys.listForCustomer(current.customer.id);
  }

  async rename(current: AuthenticatedSession, id: string, typedName: string, context: RequestContext): Promise<Passkey> {
    const name = readableText("passkeyName", typedName);
    const passkey = await this.ownPasskey(current, id);
    if (passkey.name === name) {
      return passkey;
    }
    if (!(await this.change(current, passkey, "passkey-renamed", (passkeys) => passkeys.rename(current.customer.id, id, name), context))) {
      throw new NotFoundError(`passkey ${id} went meanwhile`);
    }
    await auditCustomerEvent(this.deps.audit, context, "passkey.renamed", "ok", current.customer.id, { passkeyId: id });
    return { ...passkey, name };
  }

  async remove(current: AuthenticatedSession, id: string, context: RequestContext): Promise<void> {
    const customerId = current.customer.id;
    const passkey = await this.ownPasskey(current, id);
    let removal = "not_found" as PasskeyRemoval;
    await this.change(current, passkey, "passkey-removed", async (passkeys) => {
      // The check and the delete are one atomic step in the store (issue 17 item 3): two
      // parallel removals of the last two passkeys while required leave one, not none.
      removal = await passkeys.removeUnlessLastRequired(customerId, id);
      return removal === "removed";
    }, context);
    if (removal === "last_while_required") {
      throw passkeyActionRefused("last_passkey_required", `customer ${customerId}: last passkey while passkey required`);
    }
    if (removal === "not_found") {
      throw new NotFoundError(`passkey ${id} went meanwhile`);
    }
    await auditCustomerEvent(this.deps.audit, context, "passkey.removed", "ok", customerId, { passkeyId: id, deviceType: passkey.deviceType });
  }

  private async ownPasskey(current: AuthenticatedSession, id: string): Promise<Passkey> {
    const passkey = (await this.deps.passkeys.listForCustomer(current.customer.id)).find((one) => one.id === id);
    if (passkey === undefined) {
      throw new NotFoundError(`customer ${current.customer.id} has no passkey ${id}`);
    }
    return passkey;
  }

  /** Makes the change with its notice in one transaction; false (nothing written, no mail) when `change` declined. */
  private change(current: AuthenticatedSession, passkey: Passkey, kind: "passkey-renamed" | "passkey-removed", change: (passkeys: PasskeyServiceDeps["passkeys"]) => Promise<boolean>, context: RequestContext): Promise<boolean> {
    const { clock, random, outbox, settings } = this.deps;
    const at = clock.now();
    const notice = buildNotice(kind, settings.brand, { at, passkeyCreatedAt: passkey.createdAt, ...describeRequestOrigin(context) });
    return outbox.queueWith(noticeMail(settings.brand, current.customer, notice, { id: random.id(), createdAt: at }), (stores) => change(stores.passkeys));
  }
}
