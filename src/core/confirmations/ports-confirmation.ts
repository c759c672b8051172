/**
 * The ports of operation-bound confirmations (issue 13 §5, §6): the confirmations kept until
 * their token is issued, the signer of the token (jose lives in the adapter), and what the
 * confirmation asks of the trading PIN and of passkeys..
 */
import type { OperationType } from "./confirmation-operation.ts";
import type { ConfirmationMethod } from "./confirmation-policy.ts";
import type { RequestContext } from "../kernel/request-context.ts";

export type ConfirmationState = "pending" | "issued";

/** One operation the customer is asked to confirm; it issues one token. */
export interface Confirmation {
  id: string;
  customerId: string;
  type: OperationType;
  /** The operation in RFC 8785 canonical JSON: exactly what was summarised and is signed. */
  operation: string;
  /** base64url SHA-256 of `operation`: the token's `op_sha256`. */
  opSha256: string;
  /** Random, base64url: the passkey challenge is SHA-256(nonce ‖ operation). */
  nonce: string;
  required: ConfirmationMethod[];
  state: ConfirmationState;
  createdAt: number;
  expiresAt: number;
  issuedAt: number | null;
  /** The emailed code's step-up, when `required` has `code`. */
  stepUpId: string | null;
}

export interface ConfirmationStore {
  create(confirmation: Confirmation): Promise<void>;
  findById(id: string): Promise<Confirmation | null>;
  /**
   * pending → issued at `now`, and its code's step-up pending → used, in one transaction; false,
   * with nothing written, when it is no longer pending, has expired at `now`, or its code was
   * used meanwhile: of two requests racing, one wins.
   */
  issue(id: string, now: number): Promise<boolean>;
}

/** The claims of a confirmation token (issue 13 §6), as the core composes them. */
export interface ConfirmationClaims {
  iss: string;
  aud: string;
  sub: string;
  jti: string;
  iat: number;
  exp: number;
  op_sha256: string;
  amr: string[];
}

/** A public key as `/.well-known/jwks.json` lists it (RFC 7517). */
export interface PublicJwk {
  kty: string;
  crv?: string;
  x?: string;
  y?: string;
  kid: string;
  alg: string;
  use: string;
}

/** Signs confirmation tokens: ES256 with the configured key, header `typ` okb-confirmation+jwt and `kid`. */
export interface ConfirmationSigner {
  sign(claims: ConfirmationClaims): Promise<string>;
  /** The current key and the previous ones still published (rotation), current first. */
  publicKeys(): readonly PublicJwk[];
}

/** The trading PIN as a confirmation checks it (TradingPins.verify: [5142] wrong, [5143] locked). */
export interface TradingPinCheck {
  verify(customerId: string, pin: string, context: RequestContext): Promise<void>;
}

/** Passkeys as a confirmation uses them (passkey-assertion.ts); challenges are base64url. */
export interface ConfirmationPasskeys {
  hasPasskey(customerId: string): Promise<boolean>;
  /** PublicKeyCredentialRequestOptionsJSON over exactly `challenge`, with the customer's passkeys. */
  requestOptions(customerId: string, challenge: string): Promise<unknown>;
  /** Resolves when `response` is an assertion by one of the customer's passkeys over `challenge`, user verified; else [5161]. */
  verify(customerId: string, response: unknown, challenge: string, context: RequestContext): Promise<void>;
}

// This feature's store joins the transaction of a change made with its mail (MailOutbox.queueWith).
declare module "../kernel/ports.ts" {
  interface AtomicStores {
    confirmations: ConfirmationStore;
  }
}
