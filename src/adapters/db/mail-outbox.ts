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
          const stores: AtomicStores = {
            challenges: createChallengeStore(trx),
            customers: createCustomerStore(trx),
            sessions: createSessionStore(trx, ended),
            stepUps: createStepUpStore(trx),
            securityRequests: createSecurityRequestStore(trx),
            emailVerifications: createEmailVerificationStore(trx),
            passkeys: createPasskeyStore(trx),
            tradingPins: createTradingPinStore(trx),
            confirmations: createConfirmationStore(trx),
            oidcConnections: createOidcConnectionStore(trx, ended),
          };
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
