import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import type { Customer } from "../../src/core/kernel/ports.ts";
import type { Passkey, PasskeyRemoval, PasskeyStore, WebAuthnChallenge, WebAuthnChallengeStore } from "../../src/core/passkeys/ports-passkey.ts";
import type { DatabaseHandle } from "../../src/adapters/db/connect.ts";
import { createPasskeyStore } from "../../src/adapters/db/stores/passkey-store.ts";
import { createWebAuthnChallengeStore } from "../../src/adapters/db/stores/webauthn-challenge-store.ts";
import { createMailOutbox } from "../../src/adapters/db/mail-outbox.ts";
import { DB_BACKENDS, seedCustomer, testSealer } from "../support/db-backends.ts";
import { NOW } from "../support/rows.ts";

function newPasskey(customer: Customer, overrides: Partial<Passkey> = {}): Passkey {
  return {
    id: randomUUID(),
    customerId: customer.id,
    credentialId: randomUUID().replaceAll("-", ""),
    publicKey: "pQECAyYgASFYIA",
    counter: 0,
    transports: ["internal", "hybrid"],
    deviceType: "multiDevice",
    backedUp: true,
    name: "iPhone",
    createdAt: NOW,
    lastUsedAt: null,
    ...overrides,
  };
}

function newChallenge(overrides: Partial<WebAuthnChallenge> = {}): WebAuthnChallenge {
  return {
    id: randomUUID(),
    purpose: "login",
    bindingHash: randomUUID(),
    customerId: null,
    challengeHash: randomUUID(),
    createdAt: NOW,
    expiresAt: NOW + 5 * 60_000,
    ...overrides,
  };
}

for (const backend of DB_BACKENDS) {
  describe(`passkey store contract (${backend.name})`, () => {
    let handle: DatabaseHandle;
    let store: PasskeyStore;
    let challenges: WebAuthnChallengeStore;
    let close: () => Promise<void>;
    before(async () => {
      const opened = await backend.open();
      handle = opened.handle;
      store = createPasskeyStore(handle.db);
      challenges = createWebAuthnChallengeStore(handle.db);
      close = opened.close;
    });
    after(() => close());

    it("add stores every field (times and counter as numbers, transports as a list); a credential ID registered already is refused, for any customer", async () => {
      const customer = await seedCustomer(handle);
      const other = await seedCustomer(handle);
      const passkey = newPasskey(customer, { counter: 7, transports: [], deviceType: "singleDevice", backedUp: false, lastUsedAt: NOW + 5 });
      assert.equal(await store.add(passkey), true);
      assert.deepEqual(await store.findByCredentialId(passkey.credentialId), passkey);
      assert.equal(await store.add(newPasskey(other, { credentialId: passkey.credentialId })), false);
      assert.deepEqual(await store.listForCustomer(other.id), [], "nothing written for the second customer");
      assert.equal(await store.findByCredentialId("no-such-credential"), null);
    });

    it("listForCustomer: only the customer's own, oldest first", async () => {
      const customer = await seedCustomer(handle);
      const other = await seedCustomer(handle);
      const newer = newPasskey(customer, { name: "Pixel", createdAt: NOW + 1000 });
      const older = newPasskey(customer, { name: "iPhone" });
      await store.add(newer);
      await store.add(older);
      await store.add(newPasskey(other));
      assert.deepEqual(
        (await store.listForCustomer(customer.id)).map((passkey) => passkey.name),
        ["iPhone", "Pixel"],
      );
    });

    it("rename and remove touch only the customer's own passkey; another customer's ID changes nothing", async () => {
      const customer = await seedCustomer(handle);
      const intruder = await seedCustomer(handle);
      const passkey = newPasskey(customer);
      await store.add(passkey);
      assert.equal(await store.rename(intruder.id, passkey.id, "盗んだ"), false);
      assert.equal(await store.removeUnlessLastRequired(intruder.id, passkey.id), "not_found");
      assert.equal((await store.findByCredentialId(passkey.credentialId))?.name, "iPhone");
      assert.equal(await store.rename(customer.id, passkey.id, "仕事用 iPhone"), true);
      assert.equal((await store.findByCredentialId(passkey.credentialId))?.name, "仕事用 iPhone");
      assert.equal(await store.removeUnlessLastRequired(customer.id, passkey.id), "removed", "the last one, パスキー必須 off");
      assert.equal(await store.findByCredentialId(passkey.credentialId), null);
      assert.equal(await store.removeUnlessLastRequired(customer.id, passkey.id), "not_found", "gone already");
      assert.equal(await store.removeUnlessLastRequired("no-such-customer", passkey.id), "not_found");
    });

    it("removeUnlessLastRequired: while パスキー必須 is on, one of two goes and the last stays (nothing deleted)", async () => {
      const customer = await seedCustomer(handle);
      const older = newPasskey(customer);
      const newer = newPasskey(customer, { createdAt: NOW + 1000 });
      await store.add(older);
      await store.add(newer);
      await store.setRequired(customer.id, true);
      assert.equal(await store.removeUnlessLastRequired(customer.id, newer.id), "removed");
      assert.equal(await store.removeUnlessLastRequired(customer.id, older.id), "last_while_required");
      assert.deepEqual((await store.listForCustomer(customer.id)).map((passkey) => passkey.id), [older.id]);
      assert.equal(await store.isRequired(customer.id), true, "the lock changed nothing");
    });

    it("removeUnlessLastRequired of the last two racing (issue 17 item 3): the second waits for the first's transaction, then is refused; one passkey stays", async () => {
      const customer = await seedCustomer(handle);
      const first = newPasskey(customer);
      const second = newPasskey(customer, { createdAt: NOW + 1000 });
      await store.add(first);
      await store.add(second);
      await store.setRequired(customer.id, true);
      let secondAnswer: PasskeyRemoval | null = null;
      let secondRemoval: Promise<PasskeyRemoval> = Promise.resolve("not_found");
      const firstRemoval = handle.db.transaction().execute(async (trx) => {
        const answer = await createPasskeyStore(trx).removeUnlessLastRequired(customer.id, first.id);
        // Another connection (PostgreSQL) or the next in line (SQLite) while this one is open.
        secondRemoval = store.removeUnlessLastRequired(customer.id, second.id).then((removal) => {
          secondAnswer = removal;
          return removal;
        });
        await new Promise((resolve) => setTimeout(resolve, 300));
        assert.equal(secondAnswer, null, "the second removal waits while the first transaction holds the customer's row");
        return answer;
      });
      assert.equal(await firstRemoval, "removed");
      assert.equal(await secondRemoval, "last_while_required");
      assert.deepEqual((await store.listForCustomer(customer.id)).map((passkey) => passkey.id), [second.id]);
    });

    it("recordUse keeps the highest counter seen, and records the backup flag and the time", async () => {
      const customer = await seedCustomer(handle);
      const passkey = newPasskey(customer, { counter: 10, backedUp: false });
      await store.add(passkey);
      await store.recordUse(passkey.id, { counter: 12, backedUp: true, at: NOW + 1 });
      assert.deepEqual(await store.findByCredentialId(passkey.credentialId), { ...passkey, counter: 12, backedUp: true, lastUsedAt: NOW + 1 });
      await store.recordUse(passkey.id, { counter: 3, backedUp: false, at: NOW + 2 });
      assert.deepEqual(await store.findByCredentialId(passkey.credentialId), { ...passkey, counter: 12, backedUp: false, lastUsedAt: NOW + 2 }, "a counter going backwards does not lower it");
    });

    it("setRequired turns パスキー必須 on and off once each; isRequired reads it; off for a new customer", async () => {
      const customer = await seedCustomer(handle);
      assert.equal(await store.isRequired(customer.id), false);
      assert.equal(await store.setRequired(customer.id, false), false);
      assert.equal(await store.setRequired(customer.id, true), true);
      assert.equal(await store.setRequired(customer.id, true), false, "already on");
      assert.equal(await store.isRequired(customer.id), true);
      assert.equal(await store.setRequired(customer.id, false), true);
      assert.equal(await store.isRequired(customer.id), false);
      assert.equal(await store.isRequired("no-such-customer"), false);
    });

    it("a passkey added inside MailOutbox.queueWith is kept with its mail, or dropped with it", async () => {
      const customer = await seedCustomer(handle);
      const outbox = createMailOutbox(handle.db, testSealer(), () => undefined);
      const mail = { id: randomUUID(), recipient: customer.email, subject: "登録", body: "本文", createdAt: NOW };
      const kept = newPasskey(customer);
      assert.equal(await outbox.queueWith(mail, (stores) => stores.passkeys.add(kept)), true);
      const dropped = newPasskey(customer);
      assert.equal(await outbox.queueWith({ ...mail, id: randomUUID() }, async (stores) => (await stores.passkeys.add(dropped)) && false), false);
      assert.notEqual(await store.findByCredentialId(kept.credentialId), null);
      assert.equal(await store.findByCredentialId(dropped.credentialId), null);
    });

    it("a challenge is taken once; asking again for the same purpose and binding replaces it; purposes are apart", async () => {
      const first = newChallenge({ purpose: "registration" });
      await challenges.put(first);
      const second = newChallenge({ purpose: "registration", bindingHash: first.bindingHash, challengeHash: "second" });
      await challenges.put(second);
      assert.equal(await challenges.take("login", first.bindingHash), null, "another purpose");
      assert.deepEqual(await challenges.take("registration", first.bindingHash), second);
      assert.equal(await challenges.take("registration", first.bindingHash), null, "taken already");
    });

    it("a challenge of a customer keeps its customer; two takes racing: one gets it", async () => {
      const customer = await seedCustomer(handle);
      const challenge = newChallenge({ purpose: "passkey_required", customerId: customer.id });
      await challenges.put(challenge);
      const taken = await Promise.all([challenges.take("passkey_required", challenge.bindingHash), challenges.take("passkey_required", challenge.bindingHash)]);
      assert.deepEqual(
        taken.filter((one) => one !== null),
        [challenge],
      );
    });

    it("an expired challenge is still answered by take (the caller says 'expired'); prune deletes it", async () => {
      const stale = newChallenge({ expiresAt: NOW - 1 });
      const live = newChallenge();
      await challenges.put(stale);
      await challenges.put(live);
      assert.ok((await challenges.prune(NOW)) >= 1);
      assert.equal(await challenges.take("login", stale.bindingHash), null);
      assert.deepEqual(await challenges.take("login", live.bindingHash), live);
      const expired = newChallenge({ expiresAt: NOW - 1 });
      await challenges.put(expired);
      assert.deepEqual(await challenges.take("login", expired.bindingHash), expired);
    });
  });
}
