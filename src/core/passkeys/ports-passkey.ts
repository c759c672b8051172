/**
 * The ports of passkeys (issue 13 §1–§3, WebAuthn): the customers' credentials and the
 * challenges of the ceremonies, kept server-side..
 */

/** "singleDevice" (a security key, a device-bound passkey) or "multiDevice" (a synced passkey). */
export type PasskeyDeviceType = "singleDevice" | "multiDevice";

/** A registered passkey (a WebAuthn credential) of one customer. */
export interface Passkey {
  /** Our row ID: what the customer's list and the API name a passkey by. */
  id: string;
  customerId: string;
  /** The authenticator's credential ID, base64url; unique across all customers. */
  credentialId: string;
  /** The credential's COSE public key, base64url. */
  publicKey: string;
  /** The last signature counter seen; 0 for synced passkeys, which do not count. */
  counter: number;
  /** WebAuthn transports the browser reported (`internal`, `hybrid`, `usb` …), for allowCredentials hints. */
  transports: string[];
  deviceType: PasskeyDeviceType;
  /** Whether the authenticator says the credential is backed up (synced), as of its last use. */
  backedUp: boolean;
  /** The customer's own name for it (「iPhone」). */
  name: string;
  createdAt: number;
  lastUsedAt: number | null;
}

/** What PasskeyStore.removeUnlessLastRequired did. */
export type PasskeyRemoval = "removed" | "not_found" | "last_while_required";

export interface PasskeyStore {
  /** Stores a new passkey; false, with nothing written, when its credential ID is registered already. */
  add(passkey: Passkey): Promise<boolean>;
  findByCredentialId(credentialId: string): Promise<Passkey | null>;
  /** The customer's passkeys, oldest first. */
  listForCustomer(customerId: string): Promise<Passkey[]>;
  /** Renames one of the customer's passkeys; false when the customer has no passkey `id`. */
  rename(customerId: string, id: string, name: string): Promise<boolean>;
  /**
   * Deletes one of the customer's passkeys unless it is the last one while パスキー必須 is on, as
   * one atomic step (issue 17 item 3): the customer's row is locked before the count, so two
   * removals racing for a customer's last two passkeys run one after the other and the second
   * sees one left. `not_found` when the customer has no passkey `id`; nothing is deleted unless
   * `removed`.
   */
  removeUnlessLastRequired(customerId: string, id: string): Promise<PasskeyRemoval>;
  /** After a verified assertion: the counter seen (never lowered), the backup flag, the time. */
  recordUse(id: string, use: { counter: number; backedUp: boolean; at: number }): Promise<void>;
  /** Sets パスキー必須 on or off; false when it already was. */
  setRequired(customerId: string, on: boolean): Promise<boolean>;
  isRequired(customerId: string): Promise<boolean>;
}

/** Which WebAuthn ceremony a challenge is for. */
export type WebAuthnPurpose = "registration" | "login" | "passkey_required";

/**
 * A challenge handed to the browser in WebAuthn options, kept here until the answer comes back:
 * only its SHA-256, bound to the session (registration, passkey required) or to a random
 * pre-auth token of the browser (login).
 */
export interface WebAuthnChallenge {
  id: string;
  purpose: WebAuthnPurpose;
  /** SHA-256 of what the challenge is bound to; nothing else can use it. */
  bindingHash: string;
  /** The customer it is for; null for a discoverable login (the passkey names the customer). */
  customerId: string | null;
  /** SHA-256 (base64url) of the challenge as the browser signs it. */
  challengeHash: string;
  createdAt: number;
  expiresAt: number;
}

export interface WebAuthnChallengeStore {
  /** Stores the challenge, replacing any other of the same purpose and binding (one live challenge each). */
  put(challenge: WebAuthnChallenge): Promise<void>;
  /**
   * Takes the challenge of `purpose` bound to `bindingHash`: deletes it and answers it, once;
   * null when there is none (never asked, taken already, replaced). Expired ones are answered
   * too, so the caller can tell an expired challenge from none.
   */
  take(purpose: WebAuthnPurpose, bindingHash: string): Promise<WebAuthnChallenge | null>;
  /** Deletes challenges expired before `now`; how many. */
  prune(now: number): Promise<number>;
}

// This feature's store joins the transaction of a change made with its mail (MailOutbox.queueWith).
declare module "../kernel/ports.ts" {
  interface AtomicStores {
    passkeys: PasskeyStore;
  }
}
