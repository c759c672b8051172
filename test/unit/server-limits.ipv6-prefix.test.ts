import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { connectionCountKey } from "../../src/web/kernel/server-limits.ts";

/**
 * Issue 17 item 5 (review): MAX_CONNECTIONS_PER_ADDRESS counts an IPv6 client by its /64, the block one
 * subscriber is given, so an attacker cannot open its share again from every address of that block.
 */
describe("connections are counted per IPv4 address and per IPv6 /64", () => {
  it("keeps an IPv4 address as it is", () => {
    assert.equal(connectionCountKey("203.0.113.10"), "203.0.113.10");
  });

  it("counts every address of one IPv6 /64 as one client, however it is written", () => {
    const keys = ["2001:db8:1:2::1", "2001:db8:1:2:ffff:ffff:ffff:ffff", "2001:0db8:0001:0002:0:0:0:9", "2001:DB8:1:2::a:b"].map(connectionCountKey);
    assert.deepEqual(new Set(keys), new Set(["2001:db8:1:2::/64"]));
  });

  it("keeps different /64s apart", () => {
    assert.notEqual(connectionCountKey("2001:db8:1:2::1"), connectionCountKey("2001:db8:1:3::1"));
    assert.equal(connectionCountKey("::1"), "0:0:0:0::/64");
    assert.equal(connectionCountKey("fe80::1%eth0"), "fe80:0:0:0::/64");
    assert.equal(connectionCountKey("2001:db8::"), "2001:db8:0:0::/64");
  });
});
