import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { isDependencyOutage } from "../../src/adapters/health/dependency-outage.ts";

const withCode = (message: string, code: string): Error => Object.assign(new Error(message), { code });

/** Issue 17 §1, §4: which errors answer 503 [5000] (try again) rather than 500 (a bug). */
describe("isDependencyOutage: the database or Redis out of reach, not a bug", () => {
  it("counts refused, reset and timed-out connections, PostgreSQL shutting down, and the drivers' connection messages", () => {
    for (const error of [
      withCode("connect ECONNREFUSED 127.0.0.1:5432", "ECONNREFUSED"),
      withCode("read ECONNRESET", "ECONNRESET"),
      withCode("terminating connection due to administrator command", "57P01"),
      withCode("the database system is starting up", "57P03"),
      withCode("connection failure", "08006"),
      withCode("sorry, too many clients already", "53300"),
      new Error("Connection terminated unexpectedly"),
      new Error("Client has encountered a connection error and is not queryable"),
      new Error("timeout exceeded when trying to connect"),
      new Error("Command timed out"),
      new Error("Stream isn't writeable and enableOfflineQueue options is false"),
      new Error("wrapped", { cause: withCode("connect ECONNREFUSED", "ECONNREFUSED") }),
    ]) {
      assert.equal(isDependencyOutage(error), true, error.message);
    }
  });

  it("does not count a constraint violation, a syntax error, a plain bug or a non-error", () => {
    for (const error of [withCode("duplicate key value violates unique constraint", "23505"), withCode("syntax error", "42601"), new TypeError("x is undefined"), "ECONNREFUSED", null]) {
      assert.equal(isDependencyOutage(error), false, String(error));
    }
  });
});
