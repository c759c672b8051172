import type { Kysely } from "kysely";
import type { Adapter, AdapterFactory, AdapterPayload } from "oidc-provider";
import type { Clock } from "../../core/kernel/ports.ts";
import { hashToken } from "../../core/kernel/token-hash.ts";
import type { BodySealer } from "../crypto/body-sealer.ts";
import type { Database } from "../db/schema.ts";

/** What `createOidcAdapterFactory` needs besides the database. */
export interface OidcAdapterOptions {
  clock: Clock;
  /** The Client model's metadata (oidc_clients, built by the caller); undefined for an unknown client. */
  findClient: (clientId: string) => Promise<AdapterPayload | undefined>;
  /** Seals new payloads (HKDF key `oidc-payload-seal` of the current SERVER_SECRET). */
  sealer: BodySealer;
  /** Keys of secrets rotated out: they only open payloads written before the rotation. */
  olderSealers?: readonly BodySealer[];
}

// The models whose rows belong to a grant (oidc-provider's memory adapter indexes the same set): a
// grant's revocation deletes them. An Interaction also names a grant, but outlives its revocation there too.
const GRANTABLE = new Set(["AccessToken", "AuthorizationCode", "RefreshToken", "DeviceCode", "BackchannelAuthenticationRequest", "PreAuthorizedCode"]);

/**
 * oidc-provider 9's `adapter` setting (a factory called with each model's name, lib/helpers/initialize_adapter.js)
 * over the table oidc_payloads: one row per stored model instance, keyed by (model, SHA-256 of the id).
 * The payload is sealed (AES-256-GCM): an opaque token's id is the token itself, and a Session's id (the
 * `_session` cookie) must come back from findByUid, where only the uid is known; an Interaction carries the
 * session's cookie too. So the table holds no usable token, only its hash and what the lookups need
 * (grant_id, uid, the user code's hash, the times). The Client model is read through `findClient`.
 */
export function createOidcAdapterFactory(db: Kysely<Database>, options: OidcAdapterOptions): AdapterFactory {
  // An arrow function, not a constructor: the provider calls it (`Adapter(name)`) rather than `new`-ing it.
  return (model: string): Adapter => (model === "Client" ? clientAdapter(options.findClient) : payloadAdapter(db, model, options));
}

function payloadAdapter(db: Kysely<Database>, model: string, options: OidcAdapterOptions): Adapter {
  const { clock, sealer } = options;
  const sealers = [sealer, ...(options.olderSealers ?? [])];
  // The row of this model by one of its keys, unless expired: an expired row is absent, as in the memory adapter.
  const found = async (key: "id_hash" | "uid" | "user_code_hash", value: string): Promise<AdapterPayload | undefined> => {
    const now = clock.now();
    const row = await db
      .selectFrom("oidc_payloads")
      .select(["payload", "consumed_at"])
      .where("model", "=", model)
      .where(key, "=", value)
      .where((eb) => eb.or([eb("expires_at", "is", null), eb("expires_at", ">", now)]))
      .executeTakeFirst();
    return row === undefined ? undefined : openedPayload(row.payload, row.consumed_at, sealers);
  };
  return {
    async upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void> {
      const row = {
        model,
        id_hash: hashToken(id),
        payload: sealer.seal(JSON.stringify(payload)),
        // A Grant is its own grant, so one delete by grant_id takes the grant and every code and token of it.
        grant_id: model === "Grant" ? id : GRANTABLE.has(model) ? (payload.grantId ?? null) : null,
        uid: typeof payload["uid"] === "string" ? payload["uid"] : null,
        user_code_hash: typeof payload.userCode === "string" ? hashToken(payload.userCode) : null,
        expires_at: typeof expiresIn === "number" ? clock.now() + expiresIn * 1000 : null,
        consumed_at: null,
      };
      await db
        .insertInto("oidc_payloads")
        .values(row)
        .onConflict((oc) =>
          oc.columns(["model", "id_hash"]).doUpdateSet({
            payload: row.payload,
            grant_id: row.grant_id,
            uid: row.uid,
            user_code_hash: row.user_code_hash,
            expires_at: row.expires_at,
            consumed_at: null,
          }),
        )
        .execute();
    },

    async find(id: string): Promise<AdapterPayload | undefined> {
      return found("id_hash", hashToken(id));
    },

    async findByUid(uid: string): Promise<AdapterPayload | undefined> {
      return found("uid", uid);
    },

    async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
      return found("user_code_hash", hashToken(userCode));
    },

    async consume(id: string): Promise<void> {
      await db.updateTable("oidc_payloads").set({ consumed_at: clock.now() }).where("model", "=", model).where("id_hash", "=", hashToken(id)).execute();
    },

    async destroy(id: string): Promise<void> {
      await db.deleteFrom("oidc_payloads").where("model", "=", model).where("id_hash", "=", hashToken(id)).execute();
    },

    async revokeByGrantId(grantId: string): Promise<void> {
      // The provider calls this on each token model's adapter and destroys the Grant itself only when its
      // revokeGrantPolicy says so (revoking an access token keeps the grant): from a token model, the grant's
      // codes and tokens go; from the Grant model (our own session ends), the grant goes with them.
      let query = db.deleteFrom("oidc_payloads").where("grant_id", "=", grantId);
      if (model !== "Grant") {
        query = query.where("model", "<>", "Grant");
      }
      await query.execute();
    },
  };
}

/** The payload opened with the first key that opens it, `consumed` in epoch seconds as the provider sets it; undefined when none opens it. */
function openedPayload(sealed: string, consumedAt: number | null, sealers: readonly BodySealer[]): AdapterPayload | undefined {
  for (const sealer of sealers) {
    let payload: AdapterPayload;
    try {
      payload = JSON.parse(sealer.open(sealed)) as AdapterPayload;
    } catch {
      // Not this key (a secret rotated out, or a damaged row): try the next one.
      continue;
    }
    return consumedAt === null ? payload : { ...payload, consumed: Math.floor(consumedAt / 1000) };
  }
  // Sealed with a secret no longer configured: as good as absent (the token, session or grant is gone).
  return undefined;
}

function clientAdapter(findClient: OidcAdapterOptions["findClient"]): Adapter {
  const readOnly = (operation: string): never => {
    throw new Error(`oidc-provider's Client model is read-only here (${operation}): clients live in oidc_clients and are managed with \`npm run cli -- client …\`; dynamic registration is off`);
  };
  return {
    find: (clientId: string): Promise<AdapterPayload | undefined> => findClient(clientId),
    upsert: async (): Promise<void> => readOnly("upsert"),
    destroy: async (): Promise<void> => readOnly("destroy"),
    consume: async (): Promise<void> => readOnly("consume"),
    revokeByGrantId: async (): Promise<void> => readOnly("revokeByGrantId"),
    findByUid: async (): Promise<undefined> => readOnly("findByUid"),
    findByUserCode: async (): Promise<undefined> => readOnly("findByUserCode"),
  };
}
