import type { Customer } from "../kernel/ports.ts";
import type { KnownDeviceStore } from "./ports-account.ts";
import type { LoginDeps } from "./login-deps.ts";
import type { RequestContext } from "../kernel/request-context.ts";
import { auditCustomerEvent } from "../kernel/audit.ts";
import { DEVICE_TOKEN_BYTES } from "../kernel/limits.ts";
import { buildNotice } from "../mail/notice-kinds.ts";
import { noticeMail } from "../mail/notice.ts";
import { describeRequestOrigin } from "../kernel/request-origin.ts";
import { hashToken } from "../kernel/token-hash.ts";

/**
 * After every completed login (issue 11 item 7): remember the device by its long-lived
 * random cookie (only a hash is stored) and mail a login notice, after every login unless
 * the customer turned that off, and always for a device this account has not seen.
 */
export class LoginNotifier {
  private readonly deps: LoginDeps & { knownDevices: KnownDeviceStore };

  constructor(deps: LoginNotifier["deps"]) {
    this.deps = deps;
  }

  /** Returns the device token for the browser's cookie: the one it sent, or a new one. */
  async afterLogin(customer: Customer, deviceToken: string | undefined, context: RequestContext): Promise<{ deviceToken: string }> {
    const { knownDevices, clock, random, outbox, settings, audit } = this.deps;
    const token = deviceToken !== undefined && /^[A-Za-z0-9_-]{43}$/.test(deviceToken) ? deviceToken : random.token(DEVICE_TOKEN_BYTES);
    const at = clock.now();
    const { seenBefore } = await knownDevices.remember(customer.id, hashToken(token), at);
    if (customer.notifyEveryLogin || !seenBefore) {
      const notice = buildNotice("login", settings.brand, { at, newDevice: !seenBefore, ...describeRequestOrigin(context) });
      const id = random.id();
      await outbox.queue(noticeMail(settings.brand, customer, notice, { id, createdAt: at }));
      await auditCustomerEvent(audit, context, "login.notified", "info", customer.id, { newDevice: !seenBefore, mailId: id });
    }
    return { deviceToken: token };
  }
}
