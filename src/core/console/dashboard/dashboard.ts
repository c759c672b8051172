import type { Clock } from "../../kernel/ports.ts";
import type { AuditEventName } from "../../kernel/ports-audit.ts";
import type { BucketCount, DashboardQuery } from "./ports-dashboard.ts";
import { sourceNetwork } from "./source-network.ts";

export const DASHBOARD_BUCKET_MS = 5 * 60_000;
export const DASHBOARD_WINDOW_MS = 24 * 3600_000;
/** Top networks and locked accounts look at the last hour: an attack while it happens. */
export const DASHBOARD_RECENT_MS = 3600_000;
export const DASHBOARD_TOP_NETWORKS = 10;
/** The most locked accounts listed; the count says when there were more. */
export const DASHBOARD_LOCKED_MAX = 50;

/**
 * The bounce helper's audit event (issue 22 §1, `mail.bounced`). Not in AuditEventName until that
 * part is merged: counted by name, so the bounced series shows 0 until such rows exist.
 */
export const MAIL_BOUNCED_EVENT = "mail.bounced";

/** The dashboard's series, in the order the page and the JSON show them. */
export const DASHBOARD_SERIES = ["logins", "wrongPasswords", "wrongCodes", "locks", "codeMailsSent", "mailsBounced", "requestsShed"] as const;
export type DashboardSeries = (typeof DASHBOARD_SERIES)[number];

// Which audit event feeds which series. requestsShed: requests the rate limits turned away (the
// `rate_limited` rows); the hash gate's load shedding is counted per instance in memory only
// (okb_hash_shed_total on /metrics), never written to the log, so it is not here.
const SERIES_EVENTS: Partial<Record<DashboardSeries, string>> = {
  logins: "session.created" satisfies AuditEventName,
  wrongPasswords: "password.failed" satisfies AuditEventName,
  wrongCodes: "code.failed" satisfies AuditEventName,
  locks: "account.locked" satisfies AuditEventName,
  mailsBounced: MAIL_BOUNCED_EVENT,
  requestsShed: "rate_limited" satisfies AuditEventName,
};

/** A failed login, for the networks: a wrong password or code, a refused passkey, a try on a locked account. */
export const FAILED_LOGIN_EVENTS: readonly AuditEventName[] = ["password.failed", "code.failed", "passkey.failed", "login.refused_locked"];

export interface DashboardBucket {
  /** Epoch ms, the bucket's start (a multiple of 5 minutes). */
  start: number;
  counts: Record<DashboardSeries, number>;
}

export interface DashboardFigures {
  /** Epoch ms: the window is [from, to), `to` the end of the current 5-minute bucket. */
  generatedAt: number;
  from: number;
  to: number;
  /** 288 buckets, oldest first. */
  buckets: DashboardBucket[];
  totals: Record<DashboardSeries, number>;
  /** The last hour's failed logins by network, most first (then by network), at most 10. */
  topNetworks: Array<{ network: string; failures: number }>;
  /** The last hour's account locks, newest first. */
  lockedAccounts: Array<{ at: number; loginId: string | null }>;
  /** More locks than listed. */
  lockedTruncated: boolean;
}

/** The operations dashboard (issue 22 §2): what the last 24 hours looked like, and who is attacking now. */
export class Dashboard {
  private readonly deps: { query: DashboardQuery; clock: Clock };

  constructor(deps: Dashboard["deps"]) {
    this.deps = deps;
  }

  async figures(): Promise<DashboardFigures> {
    const now = this.deps.clock.now();
    const to = (Math.floor(now / DASHBOARD_BUCKET_MS) + 1) * DASHBOARD_BUCKET_MS;
    const from = to - DASHBOARD_WINDOW_MS;
    const recent = now - DASHBOARD_RECENT_MS;
    const { query } = this.deps;
    const events = Object.values(SERIES_EVENTS);
    const [audit, mails, addresses, locked] = await Promise.all([
      query.auditCounts(events, from, to, DASHBOARD_BUCKET_MS),
      query.codeMailsSent(from, to, DASHBOARD_BUCKET_MS),
      query.addressCounts(FAILED_LOGIN_EVENTS, recent, now + 1),
      query.lockedAccounts(recent, now + 1, DASHBOARD_LOCKED_MAX + 1),
    ]);
    const buckets = bucketsOf(from, audit, mails);
    return {
      generatedAt: now,
      from,
      to,
      buckets,
      totals: totalsOf(buckets),
      topNetworks: topNetworks(addresses),
      lockedAccounts: locked.slice(0, DASHBOARD_LOCKED_MAX).map(({ at, loginId }) => ({ at, loginId })),
      lockedTruncated: locked.length > DASHBOARD_LOCKED_MAX,
    };
  }
}

function zeroCounts(): Record<DashboardSeries, number> {
  return Object.fromEntries(DASHBOARD_SERIES.map((series) => [series, 0])) as Record<DashboardSeries, number>;
}

function bucketsOf(from: number, audit: readonly BucketCount[], mails: readonly BucketCount[]): DashboardBucket[] {
  const count = DASHBOARD_WINDOW_MS / DASHBOARD_BUCKET_MS;
  const buckets = Array.from({ length: count }, (_, index) => ({ start: from + index * DASHBOARD_BUCKET_MS, counts: zeroCounts() }));
  const seriesOf = new Map(Object.entries(SERIES_EVENTS).map(([series, event]) => [event, series as DashboardSeries]));
  const add = (series: DashboardSeries | undefined, row: BucketCount): void => {
    const bucket = buckets[row.bucket];
    if (series !== undefined && bucket !== undefined) {
      bucket.counts[series] += row.count;
    }
  };
  for (const row of audit) {
    add(seriesOf.get(row.event), row);
  }
  for (const row of mails) {
    add("codeMailsSent", row);
  }
  return buckets;
}

function totalsOf(buckets: readonly DashboardBucket[]): Record<DashboardSeries, number> {
  const totals = zeroCounts();
  for (const bucket of buckets) {
    for (const series of DASHBOARD_SERIES) {
      totals[series] += bucket.counts[series];
    }
  }
  return totals;
}

/** Addresses folded into /24 and /48 networks, the ten with most failures (ties by network, so the order is stable). */
export function topNetworks(addresses: ReadonlyArray<{ ip: string; count: number }>): Array<{ network: string; failures: number }> {
  const byNetwork = new Map<string, number>();
  for (const { ip, count } of addresses) {
    const network = sourceNetwork(ip);
    if (network !== null) {
      byNetwork.set(network, (byNetwork.get(network) ?? 0) + count);
    }
  }
  return [...byNetwork]
    .map(([network, failures]) => ({ network, failures }))
    .sort((a, b) => b.failures - a.failures || (a.network < b.network ? -1 : a.network > b.network ? 1 : 0))
    .slice(0, DASHBOARD_TOP_NETWORKS);
}
