import type { AuditViewQuery } from "../../../core/console/audit-view.ts";
import { attemptOrShowAgain } from "../../kernel/form-page.ts";
import type { ShownRefusal } from "../../kernel/form-page.ts";
import type { WebPlugin } from "../../kernel/plugin.ts";
import { queryWord, refuseInvalidParameters } from "../../kernel/route-parameters.ts";
import { consoleAuditQuery } from "../../kernel/validation.ts";
import type { ConsoleWebOptions } from "../console-plugin.ts";
import { consoleHref, consolePageBase, renderConsolePage } from "../console-page.ts";
import { operatorRequestOf } from "../console-operator-request.ts";
import { operatorOf, operatorPages } from "../console-session.ts";
import { auditRowView } from "../customers/console-customer-view.ts";
import { sendAuditCsv } from "./audit-csv.ts";
import { AUDIT_EVENT_NAMES, auditEventLabel } from "./audit-event-labels.ts";

const FILTER_NAMES = ["customer", "operator", "type", "from", "to"] as const;

// The API's filters, and `?format=csv` for the export a link can download.
const auditPageQuery = consoleAuditQuery.extend({ format: queryWord("csv") });

/**
 * The audit log page (issue 12 §5): filters (customer and operator login IDs, event type,
 * from and to as JST dates), newest first, paged; and `?format=csv` with the same filters,
 * the CSV export a link can download (the JSON API answers it to `Accept: text/csv`; a link
 * cannot send that header). Both through the core's AuditView, the export audited there.
 */
export const consoleAuditPages: WebPlugin<ConsoleWebOptions> = async (app, { brand, auditView, operatorSessions }) => {
  operatorPages(app, operatorSessions);

  // Refused filters show on this page, in the form, with what was typed.
  app.get("/console/audit", { schema: { querystring: auditPageQuery }, config: { showsParameterRefusal: true } }, async (request, reply) => {
    const current = operatorOf(request);
    const base = consolePageBase(request, brand, current);
    // As typed when they were refused, as checked when they passed: only texts are shown again.
    const raw = request.query as Record<string, unknown>;
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
    const showAgain = ({ shown, status }: ShownRefusal) => renderConsolePage(reply, "console-audit", base, { ...view, error: shown }, status);
    return attemptOrShowAgain(request, reply, showAgain, async () => {
      refuseInvalidParameters(request);
      const { before, limit, format, ...filters } = request.query;
      const query: AuditViewQuery = filters;
      if (format === "csv") {
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
    });
  });
};
