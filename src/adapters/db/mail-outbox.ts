import type { Kysely } from "kysely";
import type { AtomicStores, MailOutbox, OutboxMail } from "../../core/kernel/ports.ts";
import type { BodySealer } from "../crypto/body-sealer.ts";
import type { Database } from "./schema.ts";
import { enqueueMail } from "./outbox-store.ts";
import { createChallengeStore } from "./stores/challenge-store.ts";
import { createCustomerStore } from "./stores/customer-store.ts";
import { createSessionStore } from "./stores/session-store.ts";
import { createStepUpStore } from "./stores/step-up-store.ts";
import { createSecurityRequestStore } from "./stores/security-request-store.ts";
import { createEmailVerificationStore } from "./stores/email-verification-store.ts";
import { createPasskeyStore } from "./stores/passkey-store.ts";
import { createTradingPinStore } from "./stores/trading-pin-store.ts";
import { createConfirmationStore } from "./stores/confirmation-store.ts";
import { createOidcConnectionStore } from "./stores/oidc-connection-store.ts";

/** Thrown inside the transaction to roll back a change that answered false. */
class ChangeDeclined extends Error {}

/**
 * The core's MailOutbox on the `mail_outbox` table (a transactional outbox): a mail is
 * written sealed, alone or in the transaction of the change it belongs to, and the
 * delivery worker is woken once it has committed; so is the back-channel logout worker
 * (`onLogoutQueued`) when the change ended sessions or connections that queued logouts.
 */
export function createMailOutbox(db: Kysely<Database>, sealer: BodySealer, wake: () => void, options: { onLogoutQueued?: () => void } = {}): MailOutbox {
  return {
    async queue(mail: OutboxMail): Promise<void> {
      await enqueueMail(db, sealer, mail);
      wake();
    },

    async queueWith(mail: OutboxMail | readonly OutboxMail[], change: (stores: AtomicStores) => Promise<boolean>): Promise<boolean> {
      const mails: readonly OutboxMail[] = "id" in mail ? [mail] : mail;
      // Told by the stores below as a logout is queued; passed on only once the change has committed.
      let logoutQueued = false;
      const ended = {
        onLogoutQueuedInTransaction: (): void => {
          logoutQueued = true;
        },
      };
      try {
        await db.transaction().execute(async (trx) => {
          const stores = new TransactionStores(trx, ended);
          if (!(await change(stores))) {
            throw new ChangeDeclined();
          }
          for (const one of mails) {
            await enqueueMail(trx, sealer, one);
          }
        });
      } catch (error) {
        if (error instanceof ChangeDeclined) {
          return false;
        }
        throw error;
      }
      wake();
      if (logoutQueued) {
        options.onLogoutQueued?.();
      }
      return true;
    },
  };
}

/**
 * The stores a change may use, each built on the transaction the first time the change reads it:
 * a login's change uses one or two of the ten, and building all of them for every code mail cost
 * the storm's CPU for nothing (issue 23).
 */
class TransactionStores implements AtomicStores {
  readonly #trx: Kysely<Database>;
  /** Told as a session's end queues a back-channel logout (passed on once the change commits). */
  readonly #ended: { onLogoutQueuedInTransaction(): void };
  #challenges?: AtomicStores["challenges"];
  #customers?: AtomicStores["customers"];
  #sessions?: AtomicStores["sessions"];
  #stepUps?: AtomicStores["stepUps"];
  #securityRequests?: AtomicStores["securityRequests"];
  #emailVerifications?: AtomicStores["emailVerifications"];
  #passkeys?: AtomicStores["passkeys"];
  #tradingPins?: AtomicStores["tradingPins"];
  #confirmations?: AtomicStores["confirmations"];
  #oidcConnections?: AtomicStores["oidcConnections"];

  constructor(trx: Kysely<Database>, ended: { onLogoutQueuedInTransaction(): void }) {
    this.#trx = trx;
    this.#ended = ended;
  }

  get challenges(): AtomicStores["challenges"] {
    return (this.#challenges ??= createChallengeStore(this.#trx));
  }
  get customers(): AtomicStores["customers"] {
    return (this.#customers ??= createCustomerStore(this.#trx));
  }
  get sessions(): AtomicStores["sessions"] {
    return (this.#sessions ??= createSessionStore(this.#trx, this.#ended));
  }
  get stepUps(): AtomicStores["stepUps"] {
    return (this.#stepUps ??= createStepUpStore(this.#trx));
  }
  get securityRequests(): AtomicStores["securityRequests"] {
    return (this.#securityRequests ??= createSecurityRequestStore(this.#trx));
  }
  get emailVerifications(): AtomicStores["emailVerifications"] {
    return (this.#emailVerifications ??= createEmailVerificationStore(this.#trx));
  }
  get passkeys(): AtomicStores["passkeys"] {
    return (this.#passkeys ??= createPasskeyStore(this.#trx));
  }
  get tradingPins(): AtomicStores["tradingPins"] {
    return (this.#tradingPins ??= createTradingPinStore(this.#trx));
  }
  get confirmations(): AtomicStores["confirmations"] {
    return (this.#confirmations ??= createConfirmationStore(this.#trx));
  }
  get oidcConnections(): AtomicStores["oidcConnections"] {
    return (this.#oidcConnections ??= createOidcConnectionStore(this.#trx, this.#ended));
  }
}
