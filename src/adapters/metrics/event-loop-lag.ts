import { createHistogram, performance } from "node:perf_hooks";
import type { EventLoopUtilization } from "node:perf_hooks";
import { Gauge } from "prom-client";
import type { Registry } from "prom-client";

/** The gauges this module serves, under the names prom-client's default metrics give them. */
export const EVENT_LOOP_LAG_GAUGES = ["min", "max", "mean", "stddev", "p50", "p90", "p99"] as const;

export interface EventLoopLagSettings {
  /** While the loop is busy: a sample this often (prom-client's own monitor takes one every 10 ms). */
  busySampleMs: number;
  /** While it is idle: a sample this often, so an idle server is not woken for nothing. */
  idleSampleMs: number;
  /** Busy: the loop ran callbacks for at least this share of the time since the last sample. */
  busyUtilization: number;
}

// Busy at 5 %: well above what the sampler's own tick costs in a 10 ms window (tens of microseconds, a few
// hundred under strace), so it never keeps itself in the busy rate; a storm runs at 30 % and more.
export const DEFAULT_EVENT_LOOP_LAG_SETTINGS: EventLoopLagSettings = { busySampleMs: 10, idleSampleMs: 1000, busyUtilization: 0.05 };

export interface EventLoopLag {
  /** Samples taken so far (tests count the wake-ups of an idle loop). */
  samples(): number;
  stop(): void;
}

/**
 * nodejs_eventloop_lag_{min,max,mean,stddev,p50,p90,p99}_seconds: how late a timer runs, i.e. how long a
 * callback arriving at that moment waits behind the work in hand, over the samples since the last scrape.
 * prom-client's own monitor wakes the loop every 10 ms whatever the load: 100 wake-ups a second, some
 * 10 ms of CPU per second on an idle server (issue 23). This one samples every `busySampleMs` while the
 * loop is busy and every `idleSampleMs` while it is idle (event-loop utilization since the last sample
 * below `busyUtilization`), so a storm is watched as closely as before and an idle server wakes once a
 * second. A sample is the delay past the timer's due time (prom-client's includes its 10 ms interval).
 */
export function registerEventLoopLag(registry: Registry, settings: EventLoopLagSettings = DEFAULT_EVENT_LOOP_LAG_SETTINGS): EventLoopLag {
  // Nanoseconds, as perf_hooks histograms count; a histogram takes values from 1 up.
  const delays = createHistogram();
  let taken = 0;
  let timer: NodeJS.Timeout | null = null;
  let lastUtilization: EventLoopUtilization = performance.eventLoopUtilization();

  const sampleIn = (ms: number): void => {
    const due = performance.now() + ms;
    timer = setTimeout(() => {
      delays.record(Math.max(1, Math.round((performance.now() - due) * 1e6)));
      taken += 1;
      const since = performance.eventLoopUtilization(lastUtilization);
      lastUtilization = performance.eventLoopUtilization();
      sampleIn(since.utilization >= settings.busyUtilization ? settings.busySampleMs : settings.idleSampleMs);
    }, ms);
    timer.unref();
  };
  sampleIn(settings.idleSampleMs);

  const gauges = new Map<(typeof EVENT_LOOP_LAG_GAUGES)[number], Gauge>();
  for (const stat of EVENT_LOOP_LAG_GAUGES) {
    const first = gauges.size === 0;
    gauges.set(
      stat,
      new Gauge({
        name: `nodejs_eventloop_lag_${stat}_seconds`,
        help: `The ${stat} of event-loop lag (how late a timer ran) since the last scrape, in seconds.`,
        registers: [registry],
        // The first gauge reads every statistic at once and starts the next window, as prom-client's did.
        ...(first ? { collect: () => collectInto(gauges, delays) } : {}),
      }),
    );
  }
  return {
    samples: () => taken,
    stop(): void {
      if (timer !== null) {
        clearTimeout(timer);
        timer = null;
      }
    },
  };
}

function collectInto(gauges: ReadonlyMap<(typeof EVENT_LOOP_LAG_GAUGES)[number], Gauge>, delays: ReturnType<typeof createHistogram>): void {
  // No sample since the last scrape (scrapes less than a second apart on an idle server): no lag seen.
  const seconds = (ns: number): number => (delays.count === 0 ? 0 : ns / 1e9);
  const values: Record<(typeof EVENT_LOOP_LAG_GAUGES)[number], number> = {
    min: seconds(delays.min),
    max: seconds(delays.max),
    mean: seconds(delays.mean),
    stddev: seconds(delays.stddev),
    p50: seconds(delays.percentile(50)),
    p90: seconds(delays.percentile(90)),
    p99: seconds(delays.percentile(99)),
  };
  for (const [stat, gauge] of gauges) {
    gauge.set(values[stat]);
  }
  delays.reset();
}
