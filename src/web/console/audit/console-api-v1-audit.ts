import type { FastifyRequest } from "fastify";
import type { AuditViewItem } from "../../../core/console/audit-view.ts";
import { isoJapanTime } from "../../../core/kernel/japan-time.ts";
import type { WebPlugin } from "../../kernel/plugin.ts";
import { consoleAuditQuery } from "../../kernel/validation.ts";
import type { ConsoleWebOptions } from "../console-plugin.ts";
import { operatorRequestOf } from "../console-operator-request.ts";
import { operatorApi } from "../console-session.ts";
import { sendAuditCsv } from "./audit-csv.ts";

/**
 * The audit log view for the brokerage's CRM (issue 12 §5, §7): `GET /console/api/v1/audit` with
 * filters, newest first, paged by `before`; with `Accept: text/csv` every matching row (up to
 * AUDIT_EXPORT_MAX_ROWS) as a CSV file, the export itself audited. Any live console session may read.
 */
export const consoleAuditApi: WebPlugin<ConsoleWebOptions> = async (api, { auditView, operatorSessions }) => {
  operatorApi(api, operatorSessions);

  api.get("/audit", { schema: { querystring: consoleAuditQuery } }, async (request, reply) => {
    const { before, limit, ...filters } = request.query;
    if (wantsCsv(request)) {
      const exported = await auditView.export(filters, operatorRequestOf(request));
      return sendAuditCsv(reply, exported);
    }
    const page = await auditView.page({ ...filters, ...(before === undefined ? {} : { before }), ...(limit === undefined ? {} : { limit }) }, operatorRequestOf(request));
    return { items: page.items.map(itemJson), next: page.next };
  });
};

/** The CSV when the client asks for text/csv (the CRM's download); JSON otherwise. */
function wantsCsv(request: FastifyRequest): boolean {
  const accept = String(request.headers.accept ?? "");
  return accept.split(",").some((range) => range.split(";")[0]?.trim().toLowerCase() === "text/csv");
}

function itemJson(item: AuditViewItem): Record<string, unknown> {
  return { ...item, at: isoJapanTime(item.at) };
}
