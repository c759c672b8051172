import type { Clock, CustomerStore } from "../kernel/ports.ts";
import type { AuditFilter, AuditQuery, AuditRecord } from "./ports-console-read.ts";
import type { AuditLog } from "../kernel/ports-audit.ts";
import type { OperatorStore } from "./operators/ports-operator.ts";
import type { OperatorRequest } from "./operator-request.ts";
import { auditedActor, auditOperatorRead } from "./operator-request.ts";
import { eventFilter, timeFilter } from "./audit-filter.ts";
import { formatAuditCursor, parseAuditCursor } from "../kernel/audit-cursor.ts";
import { normalizeLoginId } from "../kernel/credentials.ts";
import { InvalidInputError, NotFoundError } from "../kernel/errors.ts";
import { OperatorForbiddenError } from "./console-errors.ts";

/** Page sizes of the audit log view (issue 12 §5). */
export const AUDIT_PAGE_DEFAULT = 50;
export const AUDIT_PAGE_MAX = 200;
/** The most rows one CSV export holds; the export says when it stopped there (a narrower filter gets the rest). */
export const AUDIT_EXPORT_MAX_ROWS = 10_000;

/** The filters as the console and the CRM pass them: login IDs, an event name or prefix, dates read as JST. */
export interface AuditViewQuery {
  /** A customer's login ID; [4040] when no customer has it. */
  customer?: string;
  /** An operator's login ID (events the operator did); [4040] when no operator has it. */
  operator?: string;
  /** An event name (`account.unlocked`) or a prefix ending in a dot (`operator.`). */
  type?: string;
  /** `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM[:SS]`, Japan time unless a zone is given; inclusive. */
  from?: string;
  /** As `from`; inclusive of the whole day, minute or second named. */
  to?: string;
}

/** One audit event as the console shows it. Times are epoch ms; the web layer writes them in JST. */
export interface AuditViewItem {
  at: number;
  event: string;
  outcome: string;
  /** The customer's login ID, when the event is about a customer. */
  customer: string | null;
  /** The operator's login ID, when an operator acted. */
  operator: string | null;
  /** Who acted: the operator's login ID, or "customer", "system", `cli:<user>`. */
  actor: string;
  ip: string;
  requestId: string;
  detail: Record<string, string | number | boolean | null>;
}

export interface AuditViewPage {
  items: AuditViewItem[];
  /** Pass as `before` for the next (older) page; null on the last page. */
  next: string | null;
}

/**
 * The audit log view (issue 12 §5): filtered by customer, operator, event type and time,
 * newest first, paged; and the CSV export of the same rows (supervisors only, [4031] otherwise).
 * Both are audited: who read which part of the log.
 */
export class AuditView {
  private readonly deps: { customers: CustomerStore; operators: OperatorStore; auditQuery: AuditQuery; audit: AuditLog; clock: Clock };

  constructor(deps: AuditView["deps"]) {
    this.deps = deps;
  }

  /** One page, newest first: `limit` 1–200 (default 50), `before` a cursor from the previous page's `next`. */
  async page(query: AuditViewQuery & { before?: string; limit?: number }, request: OperatorRequest): Promise<AuditViewPage> {
    const limit = query.limit ?? AUDIT_PAGE_DEFAULT;
    if (!Number.isInteger(limit) || limit < 1 || limit > AUDIT_PAGE_MAX) {
      throw new InvalidInputError(`audit page size ${limit}`);
    }
    const before = query.before === undefined || query.before === "" ? null : parseAuditCursor(query.before);
    const filter = await this.filterOf(query);
    const rows = await this.deps.auditQuery.find(filter, before, limit + 1);
    const shown = rows.slice(0, limit);
    // Who read which part of the log (issue 17 item 9), as the export is. Not in the customer's own trail
    // (customer_id null; the filter names the customer): reading the log must not change what the next read shows.
    await auditOperatorRead(this.deps.audit, request, {
      event: "console.audit_viewed",
      customerId: null,
      detail: { ...filterDetail(query), before: query.before ?? null, rows: shown.length },
    });
    const last = shown.at(-1);
    return { items: shown.map(viewItem), next: rows.length > limit && last !== undefined ? formatAuditCursor(last) : null };
  }

  /**
   * Every matching row, newest first, up to AUDIT_EXPORT_MAX_ROWS (`truncated` when there were more),
   * and when (epoch ms, for the file name); audited as `console.audit_exported`.
   */
  async export(query: AuditViewQuery, request: OperatorRequest): Promise<{ items: AuditViewItem[]; truncated: boolean; exportedAt: number }> {
    // Up to 10,000 rows leave the building in one file: a supervisor's act (issue 17 item 9); the refusal is audited by the console.
    if (request.operator.role !== "supervisor") {
      throw new OperatorForbiddenError(`operator ${request.operator.id} (${request.operator.role}) may not export the audit log`);
    }
    const filter = await this.filterOf(query);
    const rows = await this.deps.auditQuery.find(filter, null, AUDIT_EXPORT_MAX_ROWS + 1);
    const truncated = rows.length > AUDIT_EXPORT_MAX_ROWS;
    const items = rows.slice(0, AUDIT_EXPORT_MAX_ROWS).map(viewItem);
    await auditOperatorRead(this.deps.audit, request, {
      event: "console.audit_exported",
      customerId: filter.customerId ?? null,
      detail: { ...filterDetail(query), rows: items.length, truncated },
    });
    return { items, truncated, exportedAt: this.deps.clock.now() };
  }

  /** The query as a store filter: login IDs to row IDs ([4040] when unknown), type and times checked ([4000]). */
  private async filterOf(query: AuditViewQuery): Promise<AuditFilter> {
    const filter: AuditFilter = {
      ...(query.type === undefined ? {} : eventFilter(query.type)),
      ...timeFilter(query.from, query.to),
    };
    if (query.customer !== undefined) {
      const customer = await this.deps.customers.findByLoginId(normalizeLoginId(query.customer));
      if (customer === null) {
        throw new NotFoundError(`audit filter: no customer ${JSON.stringify(query.customer.slice(0, 80))}`, { what: "customer" });
      }
      filter.customerId = customer.id;
    }
    if (query.operator !== undefined) {
      const operator = await this.deps.operators.findByLoginId(query.operator);
      if (operator === null) {
        throw new NotFoundError(`audit filter: no operator ${JSON.stringify(query.operator.slice(0, 80))}`, { what: "operator" });
      }
      filter.actor = operator.id;
    }
    return filter;
  }
}

/** The filters as the audit row keeps them (each null when not given). */
function filterDetail(query: AuditViewQuery): Record<string, string | null> {
  return { customer: query.customer ?? null, operator: query.operator ?? null, type: query.type ?? null, from: query.from ?? null, to: query.to ?? null };
}

function viewItem(record: AuditRecord): AuditViewItem {
  return {
    at: record.at,
    event: record.event,
    outcome: record.outcome,
    customer: record.customerLoginId,
    operator: record.operatorLoginId,
    actor: auditedActor(record),
    ip: record.ip,
    requestId: record.requestId,
    detail: record.detail,
  };
}
