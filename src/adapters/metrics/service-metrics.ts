import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import type { HashGateStats } from "../crypto/hash-gate.ts";
import type { OutboxMetrics } from "../mail/outbox-worker.ts";
import type { DroppedWhy } from "../mail/bounce-listener.ts";
import { BOUNCE_REASONS } from "../../core/mail/bounce.ts";
import { EVENT_LOOP_LAG_GAUGES, registerEventLoopLag } from "./event-loop-lag.ts";

/** Read at scrape time, so every instance shows the shared outbox as it is now. */
export interface MetricSources {
  outboxDepth(): Promise<number>;
  stuckMails(): Promise<number>;
  /** Whether the SMTP relay answers (the cached /readyz probe: at most one SMTP session per 10 s). */
  smtpUp(): Promise<boolean>;
  hashGate: { stats(): HashGateStats };
}

/** The counters the audit-log decorator moves (metered-audit-log.ts). */
export interface SecurityMetrics {
  logins: Counter<"outcome">;
  codesSent: Counter;
  codeFailures: Counter<"reason">;
  lockouts: Counter;
  rateLimited: Counter<"limit">;
  /** Issue 22 §1: bounces and delays that came back (the `mail.bounced` event), by reason. */
  bounces: Counter<"reason">;
}

export interface ServiceMetrics {
  /** This service's own registry, not prom-client's global one: several services can share a process (tests). */
  registry: Registry;
  security: SecurityMetrics;
  outbox: OutboxMetrics;
  /** A message to the bounce listener dropped or refused, by why (bounce-listener.ts). */
  bounceDropped(why: DroppedWhy): void;
  /** Stops the event-loop sampler (the service is closing). */
  close(): void;
}

export const LOGIN_OUTCOMES = ["success", "wrong_password", "unknown_login_id", "locked"] as const;
export const CODE_FAILURE_REASONS = ["wrong", "expired", "burned"] as const;

// prom-client's event-loop delay monitor is replaced by event-loop-lag.ts: given an interval no
// process lives to see (about 24.8 days, the longest a Node timer takes), its timer never fires.
const PROM_CLIENT_MONITOR_NEVER_MS = 2 ** 31 - 1;

// From a mail queued to SMTP accepting it: normally well under a second; a minute is an incident.
const MAIL_LATENCY_BUCKETS_SECONDS = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600];

/** The service's Prometheus metrics (names `okb_*`), plus prom-client's process metrics. */
export function createServiceMetrics(sources: MetricSources, options: { rateLimitNames?: readonly string[] } = {}): ServiceMetrics {
  const registry = new Registry();
  const registers = [registry];
  // prom-client's monitor woke the loop every 10 ms, busy or idle (10 ms of CPU per second on an idle
  // server, issue 23); the same gauges come from a sampler that slows down while the loop is idle.
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: PROM_CLIENT_MONITOR_NEVER_MS });
  for (const stat of EVENT_LOOP_LAG_GAUGES) {
    registry.removeSingleMetric(`nodejs_eventloop_lag_${stat}_seconds`);
  }
  const eventLoopLag = registerEventLoopLag(registry);

  const logins = new Counter({ name: "okb_logins_total", help: "Login attempts by outcome (success: a session was created)", labelNames: ["outcome"], registers });
  const codesSent = new Counter({ name: "okb_codes_sent_total", help: "Login code mails queued", registers });
  const codeFailures = new Counter({ name: "okb_code_failures_total", help: "Refused login codes by reason (wrong, expired, burned)", labelNames: ["reason"], registers });
  const lockouts = new Counter({ name: "okb_lockouts_total", help: "Accounts locked after too many failures", registers });
  const rateLimited = new Counter({ name: "okb_rate_limited_total", help: "Requests refused by a rate limit, by limit", labelNames: ["limit"], registers });
  // Every series from the start, so rate() and alerts work before the first event.
  for (const outcome of LOGIN_OUTCOMES) {
    logins.inc({ outcome }, 0);
  }
  for (const reason of CODE_FAILURE_REASONS) {
    codeFailures.inc({ reason }, 0);
  }
  const bounces = new Counter({ name: "okb_mail_bounces_total", help: "Mails that came back (bounced, 5.x.x) or were reported delayed (4.x.x), by reason", labelNames: ["reason"], registers });
  for (const reason of BOUNCE_REASONS) {
    bounces.inc({ reason }, 0);
  }
  const bounceDropped = new Counter({
    name: "okb_bounce_messages_dropped_total",
    help: "Messages to the bounce listener dropped (not_dsn, no_failure) or refused (too_large, rate_limited)",
    labelNames: ["why"],
    registers,
  });
  for (const why of ["not_dsn", "no_failure", "too_large", "rate_limited"]) {
    bounceDropped.inc({ why }, 0);
  }
  for (const limit of options.rateLimitNames ?? []) {
    rateLimited.inc({ limit }, 0);
  }

  const deliverySeconds = new Histogram({
    name: "okb_mail_delivery_seconds",
    help: "Time from a mail queued to the SMTP server accepting it",
    buckets: MAIL_LATENCY_BUCKETS_SECONDS,
    registers,
  });
  const deliveryFailures = new Counter({ name: "okb_mail_delivery_failures_total", help: "SMTP deliveries that failed (each is retried)", registers });
  new Gauge({
    name: "okb_outbox_pending",
    help: "Mails in the outbox not yet delivered (all instances)",
    registers,
    async collect() {
      this.set(await sources.outboxDepth());
    },
  });
  new Gauge({
    name: "okb_outbox_stuck",
    help: "Pending mails queued too long ago or tried too often (see the log for their IDs)",
    registers,
    async collect() {
      this.set(await sources.stuckMails());
    },
  });
  new Gauge({
    name: "okb_smtp_up",
    help: "1 when the SMTP relay answers (probed at most every 10 s), else 0; /readyz does not fail on it",
    registers,
    async collect() {
      this.set((await sources.smtpUp()) ? 1 : 0);
    },
  });

  new Gauge({
    name: "okb_hash_queue_length",
    help: "Password hashes waiting for a slot (this instance)",
    registers,
    collect() {
      this.set(sources.hashGate.stats().queued);
    },
  });
  new Gauge({
    name: "okb_hash_in_flight",
    help: "Password hashes running (this instance)",
    registers,
    collect() {
      this.set(sources.hashGate.stats().inFlight);
    },
  });
  let shedCounted = 0;
  new Counter({
    name: "okb_hash_shed_total",
    help: "Logins refused at once (503) because the hash queue was full (this instance)",
    registers,
    collect() {
      const { shed } = sources.hashGate.stats();
      this.inc(shed - shedCounted);
      shedCounted = shed;
    },
  });

  return {
    registry,
    security: { logins, codesSent, codeFailures, lockouts, rateLimited, bounces },
    bounceDropped: (why: DroppedWhy) => bounceDropped.inc({ why }),
    close: () => eventLoopLag.stop(),
    outbox: {
      delivered(latencyMs: number): void {
        deliverySeconds.observe(Math.max(0, latencyMs) / 1000);
      },
      deliveryFailed(): void {
        deliveryFailures.inc();
      },
    },
  };
}
