import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { sharedTestService } from "../support/test-service.ts";
import { GRAFANA_DASHBOARD_PATH, dashboardExpressions, promqlMetricNames, readAlertRules } from "../support/alert-rules.ts";

/** Named by both files and exported since the bounce listener landed (issue 22 §1): checked like any other below. */
const BOUNCE_METRICS = ["okb_mail_bounces_total"];

/** The sample names /metrics exports: each `# TYPE` line's name, a histogram's as its _bucket, _sum and _count series. */
function exportedNames(text: string): Set<string> {
  const names = new Set<string>();
  for (const match of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    const [, name = "", type] = match;
    if (type === "histogram" || type === "summary") {
      for (const suffix of type === "histogram" ? ["_bucket", "_sum", "_count"] : ["_sum", "_count"]) {
        names.add(`${name}${suffix}`);
      }
      if (type === "summary") {
        names.add(name);
      }
    } else {
      names.add(name);
    }
  }
  return names;
}

describe("every metric the Grafana dashboard and the alert rules name is exported at /metrics (issue 22 §3)", () => {
  const t = sharedTestService();

  const dashboard: unknown = JSON.parse(readFileSync(GRAFANA_DASHBOARD_PATH, "utf8"));
  const fromDashboard = new Set(dashboardExpressions(dashboard).flatMap(promqlMetricNames));
  const fromRules = new Set(readAlertRules().flatMap((rule) => promqlMetricNames(rule.expr)));

  const scrape = async (): Promise<Set<string>> => {
    const response = await t.service.app.inject({ method: "GET", url: "/metrics" });
    assert.equal(response.statusCode, 200);
    return exportedNames(response.body);
  };

  it("reads the names from both files (the parser is not blind)", () => {
    for (const name of ["okb_logins_total", "okb_outbox_stuck", "okb_mail_delivery_seconds_bucket", "okb_hash_queue_length", "nodejs_eventloop_lag_p99_seconds", "process_resident_memory_bytes"]) {
      assert.ok(fromDashboard.has(name), `the dashboard names ${name}`);
    }
    for (const name of ["okb_outbox_stuck", "okb_smtp_up", "okb_lockouts_total", "okb_mail_delivery_seconds_bucket"]) {
      assert.ok(fromRules.has(name), `the rules name ${name}`);
    }
    for (const name of BOUNCE_METRICS) {
      assert.ok(fromDashboard.has(name) && fromRules.has(name), `${name} is still named by both files (else drop it from the list)`);
    }
    assert.ok(!fromDashboard.has("instance") && !fromDashboard.has("le") && !fromRules.has("offset"), "labels and keywords are not metric names");
  });

  it("finds each one in a scrape", async () => {
    const exported = await scrape();
    assert.ok(exported.has("okb_mail_delivery_seconds_bucket") && exported.has("process_resident_memory_bytes"), "the scrape is parsed");
    for (const [file, names] of [["deploy/grafana/okb-login.json", fromDashboard], ["deploy/prometheus/alerts.yml", fromRules]] as const) {
      const missing = [...names].filter((name) => !exported.has(name));
      assert.deepEqual(missing, [], `${file} names metrics /metrics does not export`);
    }
  });
});
