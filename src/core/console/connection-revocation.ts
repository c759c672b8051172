import type { Brand } from "../kernel/brand.ts";
import type { Clock, CustomerStore, MailOutbox, Random } from "../kernel/ports.ts";
import type { AuditLog } from "../kernel/ports-audit.ts";
import type { OidcConnectionStore } from "../oidc/ports-oidc.ts";
import type { OperatorAction } from "./operator-action.ts";
import { auditOperatorAction } from "./operator-action.ts";
import { customerForAction, withCheckedReason } from "./console-customer.ts";
import { notConnected } from "../oidc/connected-services.ts";
import { noticeMail } from "../mail/notice.ts";
import { buildNotice } from "../mail/notice-kinds.ts";

export interface ConnectionRevocationDeps {
  customers: CustomerStore;
  connections: Pick<OidcConnectionStore, "listServices">;
  outbox: MailOutbox;
  audit: AuditLog;
  clock: Clock;
  random: Random;
  brand: Brand;
}

const NOT_CONNECTED_FOR_OPERATOR = {
  ja: "このお客さまは、このサービスと連携していません（すでに解除されている可能性があります）。画面を更新して確認してください。",
  en: "This customer is not connected to this service (the connection may have ended already). Please reload and check.",
};

/**
 * The call center ends a customer's connection to one relying party (issue 20 item 8: a lost
 * phone's app, a trading site the customer no longer trusts), as CustomerActions ends sessions:
 * the reason checked first ([4000]), the customer by login ID ([4040]), the connections ended
 * (their tokens deleted, a back-channel logout queued) and the notice queued in one transaction,
 * audited `oidc.connection_ended` with the operator and the reason. Not connected (an unknown
 * client, or ended meanwhile): [4000] `not_connected`, nothing changed or mailed. The customer's
 * okb-login sessions go on.
 */
export class ConnectionRevocation {
  private readonly deps: ConnectionRevocationDeps;

  constructor(deps: ConnectionRevocationDeps) {
    this.deps = deps;
  }

  async revoke(loginId: string, clientId: string, action: OperatorAction): Promise<{ ended: number }> {
    const { customers, connections, outbox, audit, clock, random, brand } = this.deps;
    const checked = withCheckedReason(action);
    const customer = await customerForAction(customers, loginId);
    const service = (await connections.listServices(customer.id)).find((line) => line.clientId === clientId);
    const refused = (): Error => notConnected(`customer ${customer.id}: no live connection to ${JSON.stringify(clientId.slice(0, 64))}`, NOT_CONNECTED_FOR_OPERATOR);
    if (service === undefined) {
      throw refused();
    }
    const now = clock.now();
    const mail = noticeMail(brand, customer, buildNotice("connection-revoked", brand, { at: now, clientName: service.clientName }), { id: random.id(), createdAt: now });
    let ended = 0;
    const done = await outbox.queueWith(mail, async (stores) => {
      ended = await stores.oidcConnections.endForClient(customer.id, clientId, now, "revoked_by_operator");
      return ended > 0;
    });
    if (!done) {
      throw refused();
    }
    await auditOperatorAction(audit, checked, {
      event: "oidc.connection_ended",
      outcome: "ok",
      customerId: customer.id,
      detail: { clientId, clientName: service.clientName, connections: ended, endedBy: "operator" },
    });
    return { ended };
  }
}
