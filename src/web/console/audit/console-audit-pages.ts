import type { FastifyInstance } from "fastify";
import type { WebDeps } from "../../app.ts";
import type { AuditViewQuery } from "../../../core/console/audit-view.ts";
import { AuthError } from "../../../core/kernel/errors.ts";
import { sendAuditCsv } from "./audit-csv.ts";
import { AUDIT_EVENT_NAMES, auditEventLabel } from "./audit-event-labels.ts";
import { consoleHref, consolePageBase, operatorOrLogin, renderConsolePage } from "../console-page.ts";
import { auditRowView } from "../customers/console-customer-view.ts";
import { refuse } from "../../kernel/refusal.ts";
import { operatorRequestOf } from "../console-operator-request.ts";
import { consoleAuditQuery, parseBody } from "../../kernel/validation.ts";

const FILTER_NAMES = ["customer", "operator", "type", "from", "to"] as const;

/**
 * The audit log page (issue 12 §5): filters (customer and operator login IDs, event type,
 * from and to as JST dates), newest first, paged; and `?format=csv` with the same filters,
 * the CSV export a link can download (the JSON API answers it to `Accept: text/csv`; a link
 * cannot send that header). Both through the core's AuditView, the export audited there.
 */
export function registerConsoleAuditPages(app: FastifyInstance, deps: WebDeps): void {
  const { auditView, operatorSessions } = deps.console;

  app.get("/console/audit", async (request, reply) => {
    const current = await operatorOrLogin(operatorSessions, request, reply);
    if (current === null) {
      return reply;
    }
    const base = consolePageBase(request, deps.config.brand, current);
    const raw = (request.query ?? {}) as Record<string, unknown>;
    // What the form shows again: the filters as typed (bounded), whatever the core makes of them.
    const typed = Object.fromEntries(FILTER_NAMES.map((name) => [name, typeof raw[name] === "string" ? raw[name].slice(0, 64) : ""])) as Record<(typeof FILTER_NAMES)[number], string>;
    const filterParams = Object.fromEntries(Object.entries(typed).filter(([, value]) => value !== ""));
    const view = {
      filters: typed,
      eventTypes: AUDIT_EVENT_NAMES.map((name) => ({ value: name, label: `${auditEventLabel(name, base.lang)}（${name}）` })),
      // The export is a supervisor's (AuditView.export): an agent sees no link, and a typed URL is refused [4031].
      csvHref: current.operator.role === "supervisor" ? consoleHref("/console/audit", base.lang, { ...filterParams, format: "csv" }) : null,
      firstHref: null as string | null,
      olderHref: null as string | null,
      rows: [] as unknown[],
      error: null as unknown,
    };
    try {
      const { before, limit, ...filters } = parseBody(consoleAuditQuery, request.query);
      const query: AuditViewQuery = filters;
      if (raw["format"] === "csv") {
        const exported = await auditView.export(query, operatorRequestOf(request));
        return sendAuditCsv(reply, exported);
      }
      const page = await auditView.page({ ...query, ...(before === undefined ? {} : { before }), ...(limit === undefined ? {} : { limit }) }, operatorRequestOf(request));
      view.rows = page.items.map((item) => ({ ...auditRowView(item, base.lang), customer: item.customer }));
      // The page size, when one was asked for, stays on the paging links (the form has no field for it).
      const paging = limit === undefined ? filterParams : { ...filterParams, limit: String(limit) };
      view.olderHref = page.next === null ? null : consoleHref("/console/audit", base.lang, { ...paging, before: page.next });
      view.firstHref = before === undefined ? null : consoleHref("/console/audit", base.lang, paging);
      return renderConsolePage(reply, "console-audit", base, view);
    } catch (error) {
      if (!(error instanceof AuthError)) {
        throw error;
      }
      const { shown, status } = refuse(request, reply, error, base.lang);
      return renderConsolePage(reply, "console-audit", base, { ...view, error: shown }, status);
    }
  });
}
