import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { sharedTestService } from "../support/test-service.ts";
import type { TestService } from "../support/test-service.ts";
import fc from "fast-check";
import { totpCode } from "../../src/core/console/operators/totp.ts";

// Issue 17 item 15: wrong passwords lock an operator, and only the CLI could unlock: a supervisor
// now lifts an agent's lock in the console (API and page), audited.

const THRESHOLD = 3;
const REASON = "ご本人に内線で確認（パスワード入力ミス）";

/** An agent locked by THRESHOLD wrong passwords at the real console login. */
async function lockedAgent(t: TestService): Promise<{ loginId: string; password: string; totpSecret: string }> {
  const op = await t.addOperator({ role: "agent" });
  for (let i = 1; i <= THRESHOLD; i += 1) {
    const response = await t.client().post("/console/api/v1/login", { json: { loginId: op.loginId, password: "wrong horse battery", totp: totpCode(op.totpSecret, t.clock.now()) } });
    assert.equal(response.json().error.code, i < THRESHOLD ? "5101" : "5102");
  }
  return op;
}

async function logsIn(t: TestService, op: { loginId: string; password: string; totpSecret: string }): Promise<number> {
  t.clock.advance(30_000);
  const response = await t.client().post("/console/api/v1/login", { json: { loginId: op.loginId, password: op.password, totp: totpCode(op.totpSecret, t.clock.now()) } });
  return response.statusCode;
}

describe("a supervisor unlocks a locked agent (POST /console/api/v1/operators/{loginId}/unlock, /console/operators)", () => {
  const t = sharedTestService({ env: { LOCKOUT_THRESHOLD: String(THRESHOLD) } });

  it("API: the agent is unlocked and logs in again; audited with the supervisor and the reason; a second time [4000] not_locked", async () => {
    const agent = await lockedAgent(t);
    assert.equal(await logsIn(t, agent), 423, "locked: even the right factors are refused");
    const supervisor = await t.consoleClient({ role: "supervisor" });
    const url = `/console/api/v1/operators/${agent.loginId}/unlock`;
    const response = await supervisor.client.post(url, { json: { reason: REASON } });
    assert.equal(response.statusCode, 200, response.body);
    assert.deepEqual(response.json(), { status: "ok" });
    assert.equal(await logsIn(t, agent), 200);

    const stored = await t.stores().operators.findByLoginId(agent.loginId);
    const audited = await t.stores().auditQuery.find({ actor: supervisor.operatorId, event: "operator.unlocked" }, null, 10);
    assert.equal(audited.length, 1);
    assert.equal(audited[0]?.detail["reason"], REASON);
    assert.equal(audited[0]?.detail["unlockedOperatorLoginId"], agent.loginId);
    assert.equal(audited[0]?.detail["operatorId"], stored?.id);

    const again = await supervisor.client.post(url, { json: { reason: REASON } });
    assert.equal(again.statusCode, 400);
    assert.equal(again.json().error.code, "4000");
    assert.equal(again.json().error.reason, "not_locked");
    assert.equal(again.json().error.message, "このオペレーターはロックされていません。");
  });

  it("API: an agent gets [4031] (audited, nothing unlocked); an unknown operator [4040]; a supervisor's lock is not lifted here ([4031]); a bad reason [4000]", async () => {
    const target = await lockedAgent(t);
    const agent = await t.consoleClient({ role: "agent" });
    const refused = await agent.client.post(`/console/api/v1/operators/${target.loginId}/unlock`, { json: { reason: REASON } });
    assert.equal(refused.statusCode, 403);
    assert.equal(refused.json().error.code, "4031");
    assert.notEqual((await t.stores().operators.findByLoginId(target.loginId))?.lockedAt, null, "still locked");
    const refusals = await t.stores().auditQuery.find({ actor: agent.operatorId, event: "console.refused" }, null, 10);
    assert.deepEqual(refusals.map((row) => [row.detail["route"], row.detail["code"], row.detail["target"]]), [["POST /console/api/v1/operators/:loginId/unlock", "4031", target.loginId]]);

    const supervisor = await t.consoleClient({ role: "supervisor" });
    const unknown = await supervisor.client.post("/console/api/v1/operators/no.such.operator/unlock", { json: { reason: REASON } });
    assert.equal(unknown.statusCode, 404);
    assert.deepEqual(unknown.json(), { error: { code: "4040", message: "該当するオペレーターが見つかりません。" } });
    const other = await t.addOperator({ role: "supervisor" });
    const ofSupervisor = await supervisor.client.post(`/console/api/v1/operators/${other.loginId}/unlock`, { json: { reason: REASON } });
    assert.equal(ofSupervisor.json().error.code, "4031");
    const blank = await supervisor.client.post(`/console/api/v1/operators/${target.loginId}/unlock`, { json: { reason: " " } });
    assert.equal(blank.statusCode, 400);
    assert.notEqual((await t.stores().operators.findByLoginId(target.loginId))?.lockedAt, null, "still locked");
    const anonymous = await t.client().post(`/console/api/v1/operators/${target.loginId}/unlock`, { json: { reason: REASON } });
    assert.equal(anonymous.statusCode, 401);
  });

  it("page: a supervisor unlocks from /console/operators (PRG); an agent sees no form and their post is refused [4031]", async () => {
    const target = await lockedAgent(t);
    const supervisor = await t.consoleClient({ role: "supervisor" });
    const page = await supervisor.client.get("/console/operators");
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /id="operator-unlock"/);
    assert.match(page.body, /href="\/console\/operators" aria-current="page"/);
    const done = await supervisor.client.post("/console/operators/unlock", { form: { loginId: target.loginId, reason: REASON } });
    assert.equal(done.statusCode, 303, done.body);
    assert.equal(done.headers.location, "/console/operators?done=unlocked");
    assert.match((await supervisor.client.get("/console/operators?done=unlocked")).body, /id="done"[^>]*>オペレーターのロックを解除しました/);
    assert.equal(await logsIn(t, target), 200);
    const notLocked = await supervisor.client.post("/console/operators/unlock", { form: { loginId: target.loginId, reason: REASON } });
    assert.equal(notLocked.statusCode, 400);
    assert.match(notLocked.body, /\[4000\] このオペレーターはロックされていません。/);
    assert.match(notLocked.body, new RegExp(`value="${target.loginId}"`), "what was typed is given back");

    const agent = await t.consoleClient({ role: "agent" });
    const agentPage = await agent.client.get("/console/operators");
    assert.equal(agentPage.statusCode, 200);
    assert.doesNotMatch(agentPage.body, /id="operator-unlock"/);
    assert.match(agentPage.body, /id="supervisor-only"/);
    assert.doesNotMatch((await agent.client.get("/console")).body, /href="\/console\/operators"/, "no menu entry for agents");
    const refused = await agent.client.post("/console/operators/unlock", { form: { loginId: target.loginId, reason: REASON } });
    assert.equal(refused.statusCode, 403);
    assert.match(refused.body, /\[4031\]/);
  });

  it("fuzz: any path parameter and body (controls, NUL, broken encodings, over-long) answers 4xx, never 500, and unlocks nothing", async () => {
    const target = await lockedAgent(t);
    const supervisor = await t.consoleClient({ role: "supervisor" });
    const nasty = fc.oneof(
      fc.string({ maxLength: 40 }),
      fc.string({ unit: fc.constantFrom("\u0000", "\r", "\n", "\u3000", "\uD800", "\uFFFD", "\u202E", "%", "/", "?", "#"), maxLength: 20 }),
      fc.constantFrom("%00", "%ZZ", "%C3", "a".repeat(300), "..", target.loginId.toUpperCase() + "%00"),
    );
    const body = fc.oneof(fc.jsonValue(), fc.record({ reason: fc.anything() }, { requiredKeys: [] }));
    await fc.assert(
      fc.asyncProperty(nasty, body, async (segment, json) => {
        const path = segment.length % 2 === 0 ? encodeURIComponent(segment.replace(/[\uD800-\uDFFF]/gu, "?")) : segment;
        const response = await supervisor.client.request("POST", `/console/api/v1/operators/${path}/unlock`, { json });
        assert.ok(response.statusCode >= 400 && response.statusCode < 500, `${response.statusCode} for ${JSON.stringify(path)} ${JSON.stringify(json)}: ${response.body.slice(0, 200)}`);
      }),
      { seed: 20261207, numRuns: 200 },
    );
    assert.notEqual((await t.stores().operators.findByLoginId(target.loginId))?.lockedAt, null, "still locked");
  });
});
