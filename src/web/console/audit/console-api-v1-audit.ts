import type { FastifyInstance, FastifyRequest } from "fastify";
import type { WebDeps } from "../../app.ts";
import type { AuditViewItem } from "../../../core/console/audit-view.ts";
import { isoJapanTime } from "../../../core/kernel/japan-time.ts";
import { requireOperator } from "../console-session.ts";
import { operatorRequestOf } from "../console-operator-request.ts";
import { sendAuditCsv } from "./audit-csv.ts";
import { consoleAuditQuery, parseBody } from "../../kernel/validation.ts";

/**
 * The audit log view for the brokerage's CRM (issue 12 §5, §7): `GET /console/api/v1/audit` with
 * filters, newest first, paged by `before`; with `Accept: text/csv` every matching row (up to
 * AUDIT_EXPORT_MAX_ROWS) as a CSV file, the export itself audited. Any live console session may read.
 */
export function registerConsoleApiV1Audit(app: FastifyInstance, deps: WebDeps): void {
  const { auditView, operatorSessions } = deps.console;

  app.register(
    async (api) => {
      api.addHook("preHandler", requireOperator(operatorSessions));

      api.get("/audit", async (request, reply) => {
        const { before, limit, ...filters } = parseBody(consoleAuditQuery, request.query);
        if (wantsCsv(request)) {
          const exported = await auditView.export(filters, operatorRequestOf(request));
          return sendAuditCsv(reply, exported);
        }
        const page = await auditView.page({ ...filters, ...(before === undefined ? {} : { before }), ...(limit === undefined ? {} : { limit }) }, operatorRequestOf(request));
        return { items: page.items.map(itemJson), next: page.next };
      });
    },
    { prefix: "/console/api/v1" },
  );
}

/** The CSV when the client asks for text/csv (the CRM's download); JSON otherwise. */
function wantsCsv(request: FastifyRequest): boolean {
  const accept = String(request.headers.accept ?? "");
  return accept.split(",").some((range) => range.split(";")[0]?.trim().toLowerCase() === "text/csv");
}

function itemJson(item: AuditViewItem): Record<string, unknown> {
  return { ...item, at: isoJapanTime(item.at) };
}
