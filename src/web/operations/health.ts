import type { ReadinessReport } from "../../core/kernel/ports-operations.ts";
import type { WebScope } from "../kernel/plugin.ts";

/**
 * For the load balancer and the orchestrator only (README: keep them off the
 * public listener). /healthz: the process answers. /readyz: the database and
 * Redis answer too; a 503 names the ones that do not, nothing more. The SMTP
 * relay is reported (`smtp`) but does not decide: customers with MFA off need
 * no mail, and the outbox keeps the codes until the relay is back
 * (docs/decisions.md).
 */
export function registerHealth(app: WebScope, checkReadiness: () => Promise<ReadinessReport>): void {
  // Probed every few seconds by the load balancer: only problems are worth a log line.
  const quiet = { logLevel: "warn" as const };
  app.get("/healthz", quiet, async () => ({ status: "ok" }));
  app.get("/readyz", quiet, async (request, reply) => {
    const report = await checkReadiness();
    if (report.failed.length === 0) {
      return { status: "ok", smtp: report.smtp };
    }
    request.log.warn({ failed: report.failed }, "not ready");
    return reply.code(503).send({ status: "unavailable", failed: report.failed.map((failure) => failure.name), smtp: report.smtp });
  });
}
