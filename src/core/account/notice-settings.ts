import type { CustomerStore } from "../kernel/ports.ts";
import type { AuditLog } from "../kernel/ports-audit.ts";
import type { RequestContext } from "../kernel/request-context.ts";
import type { AuthenticatedSession } from "../login/session.ts";
import { auditCustomerEvent } from "../kernel/audit.ts";

/** お知らせ設定: whether every login is mailed (a new device always is, login-notifier.ts). */
export class NoticeSettings {
  private readonly deps: { customers: CustomerStore; audit: AuditLog };

  constructor(deps: NoticeSettings["deps"]) {
    this.deps = deps;
  }

  async setEveryLogin(current: AuthenticatedSession, on: boolean, context: RequestContext): Promise<void> {
    await this.deps.customers.setNotifyEveryLogin(current.customer.id, on);
    await auditCustomerEvent(this.deps.audit, context, "settings.changed", "ok", current.customer.id, { notifyEveryLogin: on });
  }
}
