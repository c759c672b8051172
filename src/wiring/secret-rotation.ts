import type { Logger } from "pino";
import type { Config } from "../config.ts";
import type { DatabaseHandle } from "../adapters/db/connect.ts";
import { createKeyringSealer } from "../adapters/crypto/body-sealer.ts";
import { deriveKeyring, secretKeyId } from "../adapters/crypto/keyring.ts";
import { resealOperatorTotpSecrets } from "../adapters/db/stores/operator-store.ts";

/**
 * At start, after a rotation (SERVER_SECRETS=new,old…, docs/deploy.md): operators' TOTP secrets
 * sealed with an older key are sealed again with the current one. Codes, mails and the OpenID
 * Provider's payloads are not: they expire, and an older key opens them until then.
 */
export async function resealOperatorSecrets(database: DatabaseHandle, config: Pick<Readonly<Config>, "serverSecrets">, logger: Logger): Promise<void> {
  // The IDs, never the secrets: during a rotation, every instance must log the same list (docs/deploy.md).
  logger.info({ keyIds: config.serverSecrets.map(secretKeyId) }, "SERVER_SECRETS key IDs, current first");
  const { resealed, unreadable } = await resealOperatorTotpSecrets(database.db, createKeyringSealer(deriveKeyring(config.serverSecrets, "operator-totp")));
  if (resealed > 0) {
    logger.info({ resealed }, "operators' TOTP secrets sealed again with the current SERVER_SECRETS key");
  }
  if (unreadable > 0) {
    // Their key left SERVER_SECRETS too early: those operators cannot log in until enrolled again.
    logger.error({ unreadable }, "operators' TOTP secrets sealed with a key no longer in SERVER_SECRETS: put the old secret back, or enrol those operators again");
  }
}
