import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** The files issue 22 §3 ships for the people who run the service. */
export const ALERT_RULES_PATH = fileURLToPath(new URL("../../deploy/prometheus/alerts.yml", import.meta.url));
export const ALERT_TESTS_PATH = fileURLToPath(new URL("../../deploy/prometheus/alerts.test.yml", import.meta.url));
export const GRAFANA_DASHBOARD_PATH = fileURLToPath(new URL("../../deploy/grafana/okb-login.json", import.meta.url));

export interface AlertRule {
  alert: string;
  expr: string;
  /** summary, description, runbook, … as written (block scalars joined by newlines). */
  annotations: Record<string, string>;
}

const ANNOTATION_KEYS = ["summary", "description", "runbook"];

/**
 * The alerting rules of alerts.yml, read line by line (no YAML library is kept; promtool checks the
 * YAML itself): `- alert:` starts a rule, `expr:` and the annotation keys are inline or `|` blocks.
 */
export function readAlertRules(text = readFileSync(ALERT_RULES_PATH, "utf8")): AlertRule[] {
  const lines = text.split("\n");
  const rules: AlertRule[] = [];
  for (let i = 0; i < lines.length; i += 1) {
    const line = lines[i] ?? "";
    const start = /^\s*- alert: (\S+)\s*$/.exec(line);
    if (start !== null) {
      rules.push({ alert: start[1] ?? "", expr: "", annotations: {} });
      continue;
    }
    const field = /^(\s+)([a-z_]+): ?(.*)$/.exec(line);
    const rule = rules.at(-1);
    if (field === null || rule === undefined) {
      continue;
    }
    const [, indent = "", key = "", inline = ""] = field;
    if (key !== "expr" && !ANNOTATION_KEYS.includes(key)) {
      continue;
    }
    let value: string;
    if (/^[|>][-+]?$/.test(inline.trim())) {
      const block: string[] = [];
      while (i + 1 < lines.length && ((lines[i + 1] ?? "").trim() === "" || leadingSpaces(lines[i + 1] ?? "") > indent.length)) {
        i += 1;
        block.push((lines[i] ?? "").trim());
      }
      value = block.join("\n").trim();
    } else {
      value = inline.trim().replace(/^"(.*)"$/, "$1");
    }
    if (key === "expr") {
      rule.expr = value;
    } else {
      rule.annotations[key] = value;
    }
  }
  return rules;
}

/** alerts.yml without its annotations blocks: what promtool's unit tests evaluate (they would compare the text word for word). */
export function withoutAnnotations(text: string): string {
  const lines = text.split("\n");
  const kept: string[] = [];
  for (let i = 0; i < lines.length; i += 1) {
    const line = lines[i] ?? "";
    if (/^\s+annotations:\s*$/.test(line)) {
      const indent = leadingSpaces(line);
      while (i + 1 < lines.length && ((lines[i + 1] ?? "").trim() === "" || leadingSpaces(lines[i + 1] ?? "") > indent)) {
        i += 1;
      }
      continue;
    }
    kept.push(line);
  }
  return kept.join("\n");
}

function leadingSpaces(line: string): number {
  return line.length - line.trimStart().length;
}

// Words in a PromQL expression that are not metric names.
const PROMQL_WORDS = new Set(["and", "or", "unless", "offset", "bool", "on", "ignoring", "group_left", "group_right", "by", "without", "inf", "nan"]);

/**
 * The metric names a PromQL expression reads: label matchers, ranges, strings and `by (…)` lists
 * removed, the identifiers left that are not followed by `(` (functions, aggregations) nor keywords.
 */
export function promqlMetricNames(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, " ")
    .replace(/\{[^}]*\}/g, " ")
    .replace(/\[[^\]]*\]/g, " ")
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, " ")
    .replace(/\boffset\s+\S+/g, " ")
    .replace(/\$\{?[A-Za-z_]\w*\}?/g, " ");
  const names = new Set<string>();
  for (const match of bare.matchAll(/([A-Za-z_:][A-Za-z0-9_:]*)(\s*\()?/g)) {
    const [, word = "", call] = match;
    if (call === undefined && !PROMQL_WORDS.has(word.toLowerCase()) && !/^\d/.test(word)) {
      names.add(word);
    }
  }
  return [...names];
}

/**
 * Every PromQL expression in the Grafana dashboard: the panels' targets and the template variables'
 * queries (Grafana's `label_values(metric, label)` becomes its metric).
 */
export function dashboardExpressions(dashboard: unknown): string[] {
  const found: string[] = [];
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) {
      value.forEach(walk);
    } else if (value !== null && typeof value === "object") {
      for (const [key, inner] of Object.entries(value)) {
        if ((key === "expr" || key === "definition") && typeof inner === "string") {
          found.push(inner.replace(/label_values\(\s*([^,)]+?)\s*,\s*\w+\s*\)/g, "$1"));
        } else {
          walk(inner);
        }
      }
    }
  };
  walk(dashboard);
  return found;
}
