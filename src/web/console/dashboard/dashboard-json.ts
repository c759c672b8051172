import type { DashboardFigures } from "../../../core/console/dashboard/dashboard.ts";
import { DASHBOARD_BUCKET_MS, DASHBOARD_SERIES } from "../../../core/console/dashboard/dashboard.ts";
import { isoJapanTime } from "../../../core/kernel/japan-time.ts";

/**
 * The dashboard's figures as `GET /console/api/v1/dashboard` answers them: times in JST ISO 8601,
 * one object per 5-minute bucket with every series, the 24-hour totals, the last hour's top
 * networks of failed logins and locked accounts.
 */
export function dashboardJson(figures: DashboardFigures): Record<string, unknown> {
  return {
    generatedAt: isoJapanTime(figures.generatedAt),
    from: isoJapanTime(figures.from),
    to: isoJapanTime(figures.to),
    bucketMinutes: DASHBOARD_BUCKET_MS / 60_000,
    series: DASHBOARD_SERIES,
    totals: figures.totals,
    buckets: figures.buckets.map((bucket) => ({ start: isoJapanTime(bucket.start), ...bucket.counts })),
    topNetworks: figures.topNetworks,
    lockedAccounts: figures.lockedAccounts.map((locked) => ({ at: isoJapanTime(locked.at), loginId: locked.loginId })),
    lockedTruncated: figures.lockedTruncated,
  };
}
