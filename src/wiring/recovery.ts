import type { Logger } from "pino";
import type { DatabaseHandle } from "../adapters/db/connect.ts";
import type { LoginDeps } from "../core/login/login-deps.ts";
import type { PasswordChangeDeps } from "../core/account/password-change.ts";
import type { RecoveryQueue } from "../core/account/ports-recovery.ts";
import type { RecoveryWorkerSettings } from "../adapters/mail/recovery-worker.ts";
import { createKeyringSealer } from "../adapters/crypto/body-sealer.ts";
import { deriveKeyring } from "../adapters/crypto/keyring.ts";
import { createRecoveryQueueStore } from "../adapters/db/stores/recovery-queue-store.ts";
import type { RecoveryQueueStore } from "../adapters/db/stores/recovery-queue-store.ts";
import { RecoveryWorker } from "../adapters/mail/recovery-worker.ts";
import { LoginIdReminder } from "../core/account/login-id-reminder.ts";
import { PasswordReset } from "../core/account/password-reset.ts";
import { resolveRecoveryRequest } from "../core/account/recovery-requests.ts";

/** Forgotten login ID and forgotten password (issue 11), answered before they are resolved (issue 17 item 7). */
export interface RecoveryServices {
  loginIdReminder: LoginIdReminder;
  passwordReset: PasswordReset;
  /** Resolves the requests after their answers; started and stopped with the service. */
  worker: RecoveryWorker;
  store: RecoveryQueueStore;
}

export function buildRecovery(
  database: DatabaseHandle,
  secrets: { serverSecrets: readonly string[] },
  deps: { login: LoginDeps; stepUp: PasswordChangeDeps; logger: Logger; settings: RecoveryWorkerSettings },
): RecoveryServices {
  // New rows are sealed with the current secret's key; rows waiting from before a rotation open with an older one's (the key ID in the row picks it).
  const store = createRecoveryQueueStore(database.db, createKeyringSealer(deriveKeyring(secrets.serverSecrets, "recovery-seal")));
  let worker: RecoveryWorker | null = null;
  const recoveries: RecoveryQueue = {
    async add(request): Promise<void> {
      await store.add(request);
      worker?.notify();
    },
  };
  const loginIdReminder = new LoginIdReminder({ ...deps.login, recoveries });
  const passwordReset = new PasswordReset({ ...deps.stepUp, recoveries });
  worker = new RecoveryWorker({
    store,
    resolve: (request) => resolveRecoveryRequest({ loginIdReminder, passwordReset }, request),
    clock: deps.login.clock,
    logger: deps.logger,
    settings: deps.settings,
  });
  return { loginIdReminder, passwordReset, worker, store };
}
