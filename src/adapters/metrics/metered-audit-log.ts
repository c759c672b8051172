import type { AuditEvent, AuditLog } from "../../core/kernel/ports-audit.ts";
import type { SecurityMetrics } from "./service-metrics.ts";
import { BOUNCE_REASONS } from "../../core/mail/bounce.ts";

/**
 * The AuditLog port, counted: every security event (logins, codes, lockouts,
 * rate limits) already passes through it, so the core needs no metrics code.
 */
export function createMeteredAuditLog(inner: AuditLog, metrics: SecurityMetrics): AuditLog {
  return {
    async record(event: AuditEvent): Promise<void> {
      // Counted before the write: the attempt happened even if recording it fails.
      count(metrics, event);
      await inner.record(event);
    },
  };
}

function count(metrics: SecurityMetrics, event: AuditEvent): void {
  switch (event.event) {
    case "session.created":
      metrics.logins.inc({ outcome: "success" });
      break;
    case "password.failed":
      metrics.logins.inc({ outcome: event.detail["reason"] === "unknown_login_id" ? "unknown_login_id" : "wrong_password" });
      break;
    case "login.refused_locked":
      metrics.logins.inc({ outcome: "locked" });
      break;
    case "code.sent":
      metrics.codesSent.inc();
      break;
    case "code.failed":
      metrics.codeFailures.inc({ reason: "wrong" });
      break;
    case "code.expired":
      metrics.codeFailures.inc({ reason: "expired" });
      break;
    case "code.burned":
      metrics.codeFailures.inc({ reason: "burned" });
      break;
    case "account.locked":
      metrics.lockouts.inc();
      break;
    case "rate_limited": {
      const limit = event.detail["limit"];
      // A closed set (core/limits.ts); anything else must not become a new series.
      metrics.rateLimited.inc({ limit: typeof limit === "string" && /^[A-Za-z]{1,40}$/.test(limit) ? limit : "other" });
      break;
    }
    case "mail.bounced": {
      const reason = event.detail["reason"];
      metrics.bounces.inc({ reason: BOUNCE_REASONS.find((known) => known === reason) ?? "other" });
      break;
    }
    default:
      break;
  }
}
