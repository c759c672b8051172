import type { Brand } from "../../core/kernel/brand.ts";
import type { DevMailbox, ReadinessReport } from "../../core/kernel/ports-operations.ts";
import type { WebPlugin } from "../kernel/plugin.ts";
import { registerDevMailbox } from "./dev-mailbox.ts";
import { registerHealth } from "./health.ts";
import { registerMetrics } from "./metrics.ts";
import type { MetricsSource } from "./metrics.ts";
import { registerStatic } from "./static.ts";

/** What the operations routes need. */
export interface OperationsWebOptions {
  /** Asks the database, Redis and SMTP whether they answer (for /readyz). */
  checkReadiness: () => Promise<ReadinessReport>;
  /** Served at /metrics, behind METRICS_TOKEN when one is set; null: not served (the console's own listener). */
  metrics: { source: MetricsSource; token: string | null } | null;
  /** Development with no SMTP_URL only: the local catcher's mails at /dev/mailbox; null otherwise. */
  devMailbox: { catcher: DevMailbox; brand: Brand } | null;
}

/** What runs the service rather than serves customers: the static files, /healthz and /readyz, /metrics, /dev/mailbox. No session. */
export const operationsPlugin: WebPlugin<OperationsWebOptions> = async (app, { checkReadiness, metrics, devMailbox }) => {
  registerStatic(app);
  registerHealth(app, checkReadiness);
  if (metrics !== null) {
    registerMetrics(app, metrics.source, metrics.token);
  }
  if (devMailbox !== null) {
    registerDevMailbox(app, devMailbox.catcher, devMailbox.brand);
  }
};
