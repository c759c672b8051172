import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { GRAFANA_DASHBOARD_PATH, dashboardExpressions, promqlMetricNames } from "../support/alert-rules.ts";

interface Panel {
  id: number;
  type: string;
  title: string;
  gridPos: { h: number; w: number; x: number; y: number };
  datasource?: unknown;
  targets?: { datasource?: unknown; expr: string; refId: string }[];
}

const PROMETHEUS_INPUT = { type: "prometheus", uid: "${DS_PROMETHEUS}" };

describe("deploy/grafana/okb-login.json: the Grafana dashboard, importable as is (issue 22 §3)", () => {
  const dashboard = JSON.parse(readFileSync(GRAFANA_DASHBOARD_PATH, "utf8")) as {
    __inputs: { name: string; type: string; pluginId: string }[];
    id: unknown;
    uid: string;
    title: string;
    panels: Panel[];
    templating: { list: { datasource?: unknown }[] };
  };
  const panels = dashboard.panels;

  it("asks for its Prometheus data source on import (${DS_PROMETHEUS}) and names no other", () => {
    assert.deepEqual(dashboard.__inputs.map(({ name, type, pluginId }) => ({ name, type, pluginId })), [{ name: "DS_PROMETHEUS", type: "datasource", pluginId: "prometheus" }]);
    assert.equal(dashboard.id, null, "an exported dashboard carries no database id");
    assert.equal(dashboard.uid, "okb-login");
    for (const panel of panels.filter((p) => p.type !== "row")) {
      assert.deepEqual(panel.datasource, PROMETHEUS_INPUT, panel.title);
      assert.ok((panel.targets ?? []).length > 0, `${panel.title} has a query`);
      for (const target of panel.targets ?? []) {
        assert.deepEqual(target.datasource, PROMETHEUS_INPUT, `${panel.title} ${target.refId}`);
      }
    }
    for (const variable of dashboard.templating.list) {
      assert.deepEqual(variable.datasource, PROMETHEUS_INPUT);
    }
  });

  it("lays its panels out on Grafana's 24 columns without overlapping, each with its own id", () => {
    assert.equal(new Set(panels.map((p) => p.id)).size, panels.length);
    const cells = new Set<string>();
    for (const { title, gridPos } of panels) {
      assert.ok(gridPos.x >= 0 && gridPos.w > 0 && gridPos.x + gridPos.w <= 24, `${title} fits the width`);
      for (let x = gridPos.x; x < gridPos.x + gridPos.w; x += 1) {
        for (let y = gridPos.y; y < gridPos.y + gridPos.h; y += 1) {
          assert.ok(!cells.has(`${x},${y}`), `${title} overlaps another panel at ${x},${y}`);
          cells.add(`${x},${y}`);
        }
      }
    }
  });

  it("titles every panel in Japanese first, English second", () => {
    for (const { title } of panels) {
      assert.match(title, /^[^/]*[\u3040-\u30ff\u4e00-\u9fff][^/]* \/ [A-Z][\x20-\x7e]+$/, title);
    }
  });

  it("shows what the issue lists: logins and outcomes, code-mail latency, outbox depth and stuck mails, bounces, shed requests, argon2 queue, event-loop lag, RSS", () => {
    const named = new Set(dashboardExpressions(dashboard).flatMap(promqlMetricNames));
    for (const metric of [
      "okb_logins_total",
      "okb_mail_delivery_seconds_bucket",
      "okb_outbox_pending",
      "okb_outbox_stuck",
      "okb_mail_bounces_total",
      "okb_hash_shed_total",
      "okb_hash_queue_length",
      "nodejs_eventloop_lag_p99_seconds",
      "process_resident_memory_bytes",
    ]) {
      assert.ok(named.has(metric), `a panel shows ${metric}`);
    }
    const outcomes = panels.find((p) => (p.targets ?? []).some((target) => target.expr.includes("sum by (outcome) (rate(okb_logins_total")));
    assert.ok(outcomes !== undefined, "login attempts are drawn by outcome");
  });
});
