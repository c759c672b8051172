import type { Kysely } from "kysely";
import type { WebAuthnChallenge, WebAuthnChallengeStore, WebAuthnPurpose } from "../../../core/passkeys/ports-passkey.ts";
import type { Database } from "../schema.ts";
import { inTransaction } from "../in-transaction.ts";
import { isUniqueViolation } from "../unique-violation.ts";

/** WebAuthn ceremonies' challenges (migration 0012): hashed, one per purpose and binding, taken once. */
export function createWebAuthnChallengeStore(db: Kysely<Database>): WebAuthnChallengeStore {
  return {
    async put(challenge: WebAuthnChallenge): Promise<void> {
      try {
        await replace(db, challenge);
      } catch (error) {
        // Two requests for options from one browser at once (a double click): the later one wins.
        if (!isUniqueViolation(error)) {
          throw error;
        }
        await replace(db, challenge);
      }
    },

    async take(purpose: WebAuthnPurpose, bindingHash: string): Promise<WebAuthnChallenge | null> {
      const row = await db.selectFrom("webauthn_challenges").selectAll().where("purpose", "=", purpose).where("binding_hash", "=", bindingHash).executeTakeFirst();
      if (row === undefined) {
        return null;
      }
      // Single use: of two requests racing with one challenge, only the one that deletes it goes on.
      const deleted = await db.deleteFrom("webauthn_challenges").where("id", "=", row.id).executeTakeFirst();
      if (Number(deleted.numDeletedRows) !== 1) {
        return null;
      }
      return {
        id: row.id,
        purpose: row.purpose as WebAuthnPurpose,
        bindingHash: row.binding_hash,
        customerId: row.customer_id,
        challengeHash: row.challenge_hash,
        createdAt: Number(row.created_at),
        expiresAt: Number(row.expires_at),
      };
    },

    async prune(now: number): Promise<number> {
      const result = await db.deleteFrom("webauthn_challenges").where("expires_at", "<", now).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}

/** Deletes the purpose and binding's challenge and inserts this one, in one transaction. */
function replace(db: Kysely<Database>, challenge: WebAuthnChallenge): Promise<void> {
  return inTransaction(db, async (trx) => {
    await trx.deleteFrom("webauthn_challenges").where("purpose", "=", challenge.purpose).where("binding_hash", "=", challenge.bindingHash).execute();
    await trx
      .insertInto("webauthn_challenges")
      .values({
        id: challenge.id,
        purpose: challenge.purpose,
        binding_hash: challenge.bindingHash,
        customer_id: challenge.customerId,
        challenge_hash: challenge.challengeHash,
        created_at: challenge.createdAt,
        expires_at: challenge.expiresAt,
      })
      .execute();
  });
}
