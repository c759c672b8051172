import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { hash as bcryptHash } from "@node-rs/bcrypt";
import { createArgon2Hasher } from "../../src/adapters/crypto/argon2-hasher.ts";

/**
 * Customers imported with a bcrypt hash from the old system (`customer import`,
 * issue 11) log in with their old password; needsRehash says yes, so the login
 * replaces the hash with argon2id while the password is at hand (password-step.ts).
 */
const hasher = createArgon2Hasher({ memoryKiB: 19456, timeCost: 2, parallelism: 1 });

// Known answers made by other implementations: PHP's password_hash manual page ($2y$)
// and jBCrypt's test vectors ($2a$), as an old system's export would carry them.
const KNOWN_ANSWERS = [
  { password: "rasmuslerdorf", hash: "$2y$10$.vGA1O9wmRjrwAVXD98HNOgsNpDczlqm3Jq7KnEd1rVAGv3Fykk1a" },
  { password: "rasmuslerdorf", hash: "$2y$07$BCryptRequires22Chrcte/VlQH0piJtjXl.0t1XkA8pw9dMXTpOq" },
  { password: "abc", hash: "$2a$06$If6bvum7DFjUnE9p2uDeDu0YHzrHM6tf.iqN8.yx.jNN1ILEf7h0i" },
];

describe("the password hasher accepts bcrypt hashes from an import and asks to upgrade them", () => {
  it("verifies a bcrypt hash made by @node-rs/bcrypt ($2b$, cost 10): the right password, not a wrong one", async () => {
    const stored = await bcryptHash("correct horse 7", 10);
    assert.match(stored, /^\$2b\$10\$/);
    assert.equal(await hasher.verify(stored, "correct horse 7"), true);
    assert.equal(await hasher.verify(stored, "correct horse 8"), false);
    assert.equal(await hasher.verify(stored, ""), false);
  });

  for (const { password, hash } of KNOWN_ANSWERS) {
    it(`verifies the known answer ${hash.slice(0, 7)}… for ${JSON.stringify(password)} and refuses another password`, async () => {
      assert.equal(await hasher.verify(hash, password), true);
      assert.equal(await hasher.verify(hash, `${password}x`), false);
    });
  }

  it("needsRehash is true for every bcrypt hash, and false for the argon2id hash that replaces it", async () => {
    for (const { hash } of KNOWN_ANSWERS) {
      assert.equal(hasher.needsRehash(hash), true, hash);
    }
    const upgraded = await hasher.hash("rasmuslerdorf");
    assert.match(upgraded, /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    assert.equal(hasher.needsRehash(upgraded), false);
    assert.equal(await hasher.verify(upgraded, "rasmuslerdorf"), true);
  });

  it("a damaged bcrypt hash is a failed login, not a crash", async () => {
    assert.equal(await hasher.verify("$2b$10$tooshort", "correct horse 7"), false);
    assert.equal(await hasher.verify("$2b$99$.vGA1O9wmRjrwAVXD98HNOgsNpDczlqm3Jq7KnEd1rVAGv3Fykk1a", "rasmuslerdorf"), false);
  });
});
