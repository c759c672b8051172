import { describe, it, type TestContext } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ALERT_RULES_PATH, ALERT_TESTS_PATH, readAlertRules, withoutAnnotations } from "../support/alert-rules.ts";

/** CI as scripts/test-preflight.sh reads it: `CI` set, and not "false" or "0". */
function inCi(): boolean {
  const ci = process.env["CI"] ?? "";
  return ci !== "" && ci !== "false" && ci !== "0";
}

/**
 * Runs promtool, or skips the test when it is not installed (outside CI only: in CI a missing
 * promtool fails the test, as a missing Chromium does).
 */
function promtool(t: TestContext, args: string[]): { status: number | null; output: string } | null {
  const run = spawnSync("promtool", args, { encoding: "utf8", timeout: 60_000 });
  if (run.error !== undefined && (run.error as NodeJS.ErrnoException).code === "ENOENT") {
    const reason = "promtool not found: install Debian's prometheus package (apt-get install prometheus) to check the alert rules";
    if (inCi()) {
      throw new Error(`${reason}; CI=${process.env["CI"] ?? ""} skips no test`);
    }
    t.skip(reason);
    return null;
  }
  assert.equal(run.error, undefined, `promtool ${args.join(" ")} did not run: ${String(run.error)}`);
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

const HIRAGANA_KATAKANA_KANJI = /[\u3040-\u30ff\u4e00-\u9fff]/;

describe("deploy/prometheus/alerts.yml: the alert rules for the people who run okb-login (issue 22 §3)", () => {
  const rules = readAlertRules();

  it("passes promtool check rules", (t) => {
    const run = promtool(t, ["check", "rules", ALERT_RULES_PATH]);
    if (run === null) {
      return;
    }
    assert.equal(run.status, 0, run.output);
    assert.match(run.output, new RegExp(`SUCCESS: ${rules.length} rules found`), run.output);
  });

  it("fires where promtool's unit tests say and stays quiet on steady traffic (deploy/prometheus/alerts.test.yml)", (t) => {
    const dir = mkdtempSync(join(tmpdir(), "okb-alerts-"));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(join(dir, "alerts.yml"), withoutAnnotations(readFileSync(ALERT_RULES_PATH, "utf8")));
    copyFileSync(ALERT_TESTS_PATH, join(dir, "alerts.test.yml"));
    const run = promtool(t, ["test", "rules", join(dir, "alerts.test.yml")]);
    if (run === null) {
      return;
    }
    assert.equal(run.status, 0, run.output);
    assert.match(run.output, /SUCCESS/, run.output);
  });

  it("has the alerts the issue names: stuck code mails, p99 over 60 s, spikes of wrong passwords and locks, bounce rate, relay down", () => {
    const byName = new Map(rules.map((rule) => [rule.alert, rule.expr]));
    assert.match(byName.get("OkbCodeMailsStuck") ?? "", /okb_outbox_stuck\) > 0$/);
    assert.match(byName.get("OkbCodeMailLatencyHigh") ?? "", /^histogram_quantile\(0\.99, .*okb_mail_delivery_seconds_bucket.*\) > 60$/);
    assert.match(byName.get("OkbWrongPasswordSpike") ?? "", /wrong_password[\s\S]*\[1h\] offset 5m/);
    assert.match(byName.get("OkbLockoutSpike") ?? "", /okb_lockouts_total\[1h\] offset 5m/);
    assert.match(byName.get("OkbMailBounceRate") ?? "", /okb_mail_bounces_total[\s\S]*> 0\.05/);
    assert.equal(byName.get("OkbSmtpRelayDown"), "okb_smtp_up == 0");
    assert.equal(new Set(rules.map((rule) => rule.alert)).size, rules.length, "alert names are unique");
  });

  it("gives every alert a summary, a description and a runbook, in Japanese first and English second", () => {
    assert.ok(rules.length >= 6, `${rules.length} rules read`);
    for (const rule of rules) {
      for (const key of ["summary", "description", "runbook"]) {
        const text = rule.annotations[key] ?? "";
        const firstEnglish = text.search(/[A-Za-z][\w-]* [a-z]\w* [a-z]\w*/);
        const firstJapanese = text.search(HIRAGANA_KATAKANA_KANJI);
        assert.ok(firstJapanese >= 0, `${rule.alert} ${key} has Japanese: ${text}`);
        assert.ok(firstEnglish > firstJapanese, `${rule.alert} ${key} has English after the Japanese: ${text}`);
      }
      const runbook = rule.annotations["runbook"] ?? "";
      assert.ok(runbook.split("\n").filter((line) => /^\d\. /.test(line)).length >= 4, `${rule.alert}'s runbook has steps in both languages`);
    }
  });
});
