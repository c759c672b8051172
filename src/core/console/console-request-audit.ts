import type { CustomerStore } from "../kernel/ports.ts";
import type { AuditEvent, AuditLog } from "../kernel/ports-audit.ts";
import type { ErrorCode } from "../kernel/errors.ts";
import type { OperatorRequest } from "./operator-request.ts";
import { ANY_CONTROL, BROKEN_ENCODING, normalizeLoginId } from "../kernel/credentials.ts";

/** A console request the rules refused, as the web layer saw it: never the body (a reason, an address, a code). */
export interface ConsoleRefusal {
  /** The route's pattern (`POST /console/api/v1/customers/:loginId/unlock`), never the URL with its query. */
  route: string;
  code: ErrorCode;
  /** The machine-readable reason of a refused action (`not_locked`), when there is one. */
  reason: string | null;
  /** The `:loginId` of the path, as sent, when the route has one. */
  customerLoginId: string | null;
  /** What else the path names (an operator's login ID, a request's ID), as sent. */
  target: string | null;
}

// A login ID in the path is at most this long in the audit row (login IDs are 64 at most).
const MAX_LOGGED_LOGIN_ID = 80;
// Request IDs remembered at once; far above the requests in flight, a bound should a request never finish.
const MAX_MARKED_REQUESTS = 10_000;

/**
 * The audit log, remembering which requests wrote to it: the console's hook asks, once the answer
 * is ready, whether the core recorded anything for the request, and audits it itself if not.
 */
export class RequestAuditMarks {
  readonly log: AuditLog;
  private readonly marked = new Set<string>();

  constructor(inner: AuditLog) {
    this.log = {
      record: async (event: AuditEvent): Promise<void> => {
        await inner.record(event);
        if (this.marked.size >= MAX_MARKED_REQUESTS) {
          this.marked.clear();
        }
        this.marked.add(event.requestId);
      },
    };
  }

  /** Whether anything was recorded for `requestId`, forgetting it. */
  take(requestId: string): boolean {
    return this.marked.delete(requestId);
  }
}

/**
 * Every request of a signed-in operator leaves an audit row (issue 17 item 9), written by one hook
 * on every console route (web/console-request-audit-hook.ts): a refusal, whatever rule refused it
 * (a role [4031], an action that does not apply [4000] with its reason, a bad input [4000], an
 * unknown customer or request [4040]), as `console.refused`; a request the core recorded nothing
 * for (a list, the dashboard, the session) as `console.requested`. The customer, when the path
 * names one that exists, is the row's customer, so the refusal shows in that customer's trail.
 */
export class ConsoleRequestAudit {
  private readonly deps: { customers: Pick<CustomerStore, "findByLoginId">; audit: AuditLog };

  constructor(deps: ConsoleRequestAudit["deps"]) {
    this.deps = deps;
  }

  async refused(request: OperatorRequest, refusal: ConsoleRefusal): Promise<void> {
    const loginId = refusal.customerLoginId === null ? null : loggableLoginId(refusal.customerLoginId);
    const customer = loginId === null || loginId === "" ? null : await this.deps.customers.findByLoginId(loginId);
    await this.deps.audit.record({
      event: "console.refused",
      outcome: "refused",
      customerId: customer?.id ?? null,
      actor: request.operator.id,
      ip: request.context.ip,
      userAgent: request.context.userAgent,
      requestId: request.context.requestId,
      detail: {
        operatorLoginId: request.operator.loginId,
        route: refusal.route,
        code: refusal.code,
        reason: refusal.reason,
        customer: loginId,
        ...(refusal.target === null ? {} : { target: loggable(refusal.target) }),
      },
    });
  }

  /** A request the rules allowed and the core recorded nothing for: who asked for which route. */
  async requested(request: OperatorRequest, route: string): Promise<void> {
    await this.deps.audit.record({
      event: "console.requested",
      outcome: "info",
      customerId: null,
      actor: request.operator.id,
      ip: request.context.ip,
      userAgent: request.context.userAgent,
      requestId: request.context.requestId,
      detail: { operatorLoginId: request.operator.loginId, route },
    });
  }
}

/** The path's login ID as the audit row keeps it: normalised as at login, bounded, no control or broken characters. */
function loggableLoginId(raw: string): string {
  return loggable(normalizeLoginId(raw));
}

/** Bounded, with any control or broken character as "?". */
function loggable(raw: string): string {
  return raw.slice(0, MAX_LOGGED_LOGIN_ID).replace(new RegExp(`${ANY_CONTROL.source}|${BROKEN_ENCODING.source}`, "gu"), "?");
}
