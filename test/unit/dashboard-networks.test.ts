import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { sourceNetwork } from "../../src/core/console/dashboard/source-network.ts";
import { topNetworks } from "../../src/core/console/dashboard/dashboard.ts";

describe("the dashboard's source networks (IPv4 /24, IPv6 /48)", () => {
  it("names an address's network", () => {
    assert.equal(sourceNetwork("203.0.113.77"), "203.0.113.0/24");
    assert.equal(sourceNetwork("::ffff:198.51.100.9"), "198.51.100.0/24");
    assert.equal(sourceNetwork("2001:db8:abcd:12::1"), "2001:db8:abcd::/48");
    assert.equal(sourceNetwork("2001:DB8::1"), "2001:db8:0::/48");
    assert.equal(sourceNetwork("::1"), "0:0:0::/48");
    assert.equal(sourceNetwork("fe80::1%eth0"), "fe80:0:0::/48");
    assert.equal(sourceNetwork("64:ff9b::192.0.2.33"), "64:ff9b:0::/48");
  });

  it("gives null for what is not an address", () => {
    for (const text of ["", "cli", "unknown", "256.1.1.1", "1.2.3", "1:2:3:4:5:6:7:8:9", "1::2::3", "12345::", "g::1", "1:2:3:4:5:6:7"]) {
      assert.equal(sourceNetwork(text), null, text);
    }
  });

  it("ranks networks by failures, ties by name, ten at most, skipping what is not an address", () => {
    const addresses = [
      ...Array.from({ length: 12 }, (_, index) => ({ ip: `10.0.${index}.1`, count: 1 })),
      { ip: "10.0.5.2", count: 3 },
      { ip: "2001:db8:1:1::1", count: 2 },
      { ip: "2001:db8:1:2::1", count: 2 },
      { ip: "cli", count: 100 },
    ];
    assert.deepEqual(topNetworks(addresses), [
      { network: "2001:db8:1::/48", failures: 4 },
      { network: "10.0.5.0/24", failures: 4 },
      { network: "10.0.0.0/24", failures: 1 },
      { network: "10.0.1.0/24", failures: 1 },
      { network: "10.0.10.0/24", failures: 1 },
      { network: "10.0.11.0/24", failures: 1 },
      { network: "10.0.2.0/24", failures: 1 },
      { network: "10.0.3.0/24", failures: 1 },
      { network: "10.0.4.0/24", failures: 1 },
      { network: "10.0.6.0/24", failures: 1 },
    ].sort((a, b) => b.failures - a.failures || (a.network < b.network ? -1 : 1)));
  });
});
