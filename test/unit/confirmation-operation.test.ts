import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { canonicalOperation, checkedOperation, operationSha256, passkeyChallenge } from "../../src/core/confirmations/confirmation-operation.ts";
import { summarizeOperation } from "../../src/core/confirmations/operation-summary.ts";

describe("the operation a confirmation binds (RFC 8785 canonical JSON, SHA-256)", () => {
  it("canonical JSON sorts the keys and writes integers and Japanese text as RFC 8785 does; op_sha256 is the base64url SHA-256 of it", () => {
    const operation = checkedOperation({ details: { symbol: "7203", side: "buy", quantity: 100, price: "market", memo: "特定口座" }, type: "trade" });
    const canonical = '{"details":{"memo":"特定口座","price":"market","quantity":100,"side":"buy","symbol":"7203"},"type":"trade"}';
    assert.equal(canonicalOperation(operation), canonical);
    assert.equal(operationSha256(canonical), createHash("sha256").update(Buffer.from(canonical, "utf8")).digest("base64url"));
  });

  it("the passkey challenge is SHA-256(nonce bytes ‖ canonical operation): another nonce or another operation gives another challenge", () => {
    const nonce = Buffer.alloc(32, 7).toString("base64url");
    const canonical = '{"details":{"amount":30000},"type":"withdrawal"}';
    const expected = createHash("sha256").update(Buffer.concat([Buffer.alloc(32, 7), Buffer.from(canonical)])).digest("base64url");
    assert.equal(passkeyChallenge(nonce, canonical), expected);
    assert.notEqual(passkeyChallenge(Buffer.alloc(32, 8).toString("base64url"), canonical), expected);
    assert.notEqual(passkeyChallenge(nonce, canonical.replace("30000", "30001")), expected);
  });
});

describe("the summary the customer confirms", () => {
  const summary = (type: "trade" | "withdrawal" | "bank_account_change", details: Record<string, string | number>) => summarizeOperation({ type, details });

  it("names the fields it knows in the usual words, in their usual order, and lists the rest as key=value as given", () => {
    assert.equal(summary("trade", { price: 2500, quantity: "200", symbol: "6758", side: "sell" }).ja, "売付 6758 200株 指値 2,500円");
    assert.equal(summary("trade", { symbol: "7203", quantity: 100 }).ja, "取引 7203 100株", "no side: the plain word");
    assert.equal(summary("trade", { side: "short", quantity: -5, price: "0" }).ja, "取引 side=short quantity=-5 price=0", "values out of their format are listed as given");
    assert.equal(summary("withdrawal", { amount: 1234567, currency: "JPY" }).ja, "出金 1,234,567円 currency=JPY");
    assert.equal(summary("withdrawal", {}).ja, "出金");
    assert.equal(summary("bank_account_change", { accountType: "checking", accountHolder: "ヤマダ タロウ" }).ja, "出金先口座の変更 当座 名義 ヤマダ タロウ");
  });

  it("the mail's summary keeps only values checked against a strict format and counts the rest", () => {
    const mail = summary("bank_account_change", { bankName: "https://evil.example", bankCode: "0005", accountNumber: "12-34", memo: "0120-000-000" }).mail;
    assert.deepEqual(mail, { ja: "出金先口座の変更 金融機関コード 0005", en: "Change of withdrawal bank account bank code 0005", omitted: 3 });
  });
});
