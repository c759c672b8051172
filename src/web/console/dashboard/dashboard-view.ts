import type { DashboardFigures, DashboardSeries } from "../../../core/console/dashboard/dashboard.ts";
import { formatJapanTime, isoJapanTime } from "../../../core/kernel/japan-time.ts";
import type { ConsoleTextKey } from "../i18n-console.ts";

/** The three charts and the series each draws; every chart has its table of the same figures. */
const CHARTS: ReadonlyArray<{ id: string; title: ConsoleTextKey; series: readonly DashboardSeries[]; help: ConsoleTextKey | null }> = [
  { id: "chart-logins", title: "dashboardChartLogins", series: ["logins", "wrongPasswords", "wrongCodes", "locks"], help: null },
  { id: "chart-mail", title: "dashboardChartMail", series: ["codeMailsSent", "mailsBounced"], help: "dashboardBounceHelp" },
  { id: "chart-shed", title: "dashboardChartShed", series: ["requestsShed"], help: "dashboardShedHelp" },
];

export const SERIES_LABEL: Record<DashboardSeries, ConsoleTextKey> = {
  logins: "seriesLogins",
  wrongPasswords: "seriesWrongPasswords",
  wrongCodes: "seriesWrongCodes",
  locks: "seriesLocks",
  codeMailsSent: "seriesCodeMailsSent",
  mailsBounced: "seriesMailsBounced",
  requestsShed: "seriesRequestsShed",
};

/** `12-07 23:40`: a bucket's start in Japan time, short enough for a phone's table. */
function bucketLabel(start: number): string {
  return isoJapanTime(start).slice(5, 16).replace("T", " ");
}

/**
 * What the dashboard page shows: each chart's table (newest bucket first; the script draws the
 * chart from the table, so the two cannot disagree), the totals, the last hour's lists.
 */
export function dashboardView(figures: DashboardFigures, t: (key: ConsoleTextKey) => string) {
  const newestFirst = [...figures.buckets].reverse();
  return {
    updatedAt: formatJapanTime(figures.generatedAt),
    totals: Object.entries(SERIES_LABEL).map(([series, label]) => ({ series, label: t(label), count: figures.totals[series as DashboardSeries] })),
    charts: CHARTS.map((chart) => ({
      id: chart.id,
      title: t(chart.title),
      help: chart.help === null ? null : t(chart.help),
      columns: chart.series.map((series) => ({ series, label: t(SERIES_LABEL[series]) })),
      rows: newestFirst.map((bucket) => ({ time: bucketLabel(bucket.start), epoch: bucket.start / 1000, counts: chart.series.map((series) => bucket.counts[series]) })),
    })),
    topNetworks: figures.topNetworks,
    lockedAccounts: figures.lockedAccounts.map((locked) => ({ at: formatJapanTime(locked.at), loginId: locked.loginId })),
    lockedTruncated: figures.lockedTruncated,
    lockedShown: figures.lockedAccounts.length,
  };
}
