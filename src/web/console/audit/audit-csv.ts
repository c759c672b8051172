import { stringify } from "csv-stringify/sync";
import type { FastifyReply } from "fastify";
import type { AuditViewItem } from "../../../core/console/audit-view.ts";
import { AUDIT_EXPORT_MAX_ROWS } from "../../../core/console/audit-view.ts";
import { formatJapanTime, isoJapanTime } from "../../../core/kernel/japan-time.ts";

// Japanese headers: the call center and compliance open the file in Excel (issue 12 §5).
const HEADERS = ["日時（JST）", "イベント", "結果", "お客さまログインID", "オペレーターログインID", "実行者", "IPアドレス", "リクエストID", "詳細"];

/**
 * The audit rows as CSV for Excel: UTF-8 with a BOM (so Excel reads Japanese), CRLF, times in JST.
 * A cell starting with = + - @ tab or CR gets a leading ' (csv-stringify's escape_formulas):
 * a stored value must never run as a formula in the reader's spreadsheet (OWASP "CSV injection").
 * Cells with a line break are quoted, so a multi-line reason stays in one cell.
 */
export function auditCsv(items: readonly AuditViewItem[]): string {
  return stringify(
    items.map((item) => [
      formatJapanTime(item.at),
      item.event,
      item.outcome,
      item.customer ?? "",
      item.operator ?? "",
      item.actor,
      item.ip,
      item.requestId,
      JSON.stringify(item.detail),
    ]),
    { bom: true, header: true, columns: HEADERS, record_delimiter: "windows", escape_formulas: true, quoted_match: /[\r\n]/ },
  );
}

/** `audit-YYYYMMDD.csv`, the date of the export in Japan time. */
export function auditCsvFileName(exportedAt: number): string {
  return `audit-${isoJapanTime(exportedAt).slice(0, 10).replaceAll("-", "")}.csv`;
}

/**
 * Sends an export as the CSV download, for the console page (`?format=csv`) and the JSON API
 * (`Accept: text/csv`) alike: the file name, and how many rows one export holds at most and
 * whether this one stopped there.
 */
export function sendAuditCsv(reply: FastifyReply, exported: { items: readonly AuditViewItem[]; truncated: boolean; exportedAt: number }): FastifyReply {
  return reply
    .header("content-type", "text/csv; charset=utf-8")
    .header("content-disposition", `attachment; filename="${auditCsvFileName(exported.exportedAt)}"`)
    .header("x-export-row-limit", String(AUDIT_EXPORT_MAX_ROWS))
    .header("x-export-truncated", String(exported.truncated))
    .send(auditCsv(exported.items));
}
