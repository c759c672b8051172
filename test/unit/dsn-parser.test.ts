import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { parseDsn } from "../../src/adapters/mail/dsn-parser.ts";
import { bounceOfStatus } from "../../src/core/mail/bounce.ts";
import { dsnMessage } from "../support/raw-smtp.ts";

const RETURN_PATH = "bounce+0b9c2a4e-1f3d-4c5b-9a8e-7d6c5b4a3f21@okb-sec.co.jp";

describe("reading a delivery status notification (RFC 3464)", () => {
  it("reads the first recipient's status, action and the remote text, folded lines joined, control characters gone", async () => {
    const raw = dsnMessage({ returnPath: RETURN_PATH, status: "5.2.2", diagnostic: "smtp; 552-5.2.2 The email account\r\n    that you tried to reach is over quota.\u0007" });
    assert.deepEqual(await parseDsn(Buffer.from(raw)), {
      status: "5.2.2",
      action: "failed",
      diagnostic: "smtp; smtp; 552-5.2.2 The email account that you tried to reach is over quota.",
    });
  });

  it("takes message/global-delivery-status (RFC 6533) as well", async () => {
    const raw = dsnMessage({ returnPath: RETURN_PATH, status: "5.1.1" }).replace("report-type=delivery-status", "report-type=delivery-status").replace("Content-Type: message/delivery-status", "Content-Type: message/global-delivery-status");
    assert.equal((await parseDsn(Buffer.from(raw)))?.status, "5.1.1");
  });

  it("answers null for anything else", async () => {
    for (const raw of ["", "garbage", "Subject: hi\r\n\r\nStatus: 5.2.2\r\n", dsnMessage({ returnPath: RETURN_PATH, status: "9.9.9" })]) {
      assert.equal(await parseDsn(Buffer.from(raw)), null, raw.slice(0, 40));
    }
  });

  it("maps status codes to the customer's reasons", () => {
    assert.deepEqual(bounceOfStatus("5.2.2"), { state: "bounced", reason: "mailbox_full" });
    assert.deepEqual(bounceOfStatus("5.1.1"), { state: "bounced", reason: "no_such_user" });
    assert.deepEqual(bounceOfStatus("5.7.26"), { state: "bounced", reason: "refused" });
    assert.deepEqual(bounceOfStatus("4.2.2"), { state: "delayed", reason: "delayed" });
    assert.deepEqual(bounceOfStatus("5.4.4"), { state: "bounced", reason: "other" });
    assert.equal(bounceOfStatus("2.0.0"), null);
    assert.equal(bounceOfStatus("5.2"), null);
  });
});
