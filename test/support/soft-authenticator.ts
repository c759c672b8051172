import { createHash, generateKeyPairSync, sign } from "node:crypto";
import type { KeyObject } from "node:crypto";
import { encodeCBOR } from "@levischuck/tiny-cbor";
import type { CBORType } from "@levischuck/tiny-cbor";
import type { AuthenticationResponseJSON, PublicKeyCredentialCreationOptionsJSON, PublicKeyCredentialRequestOptionsJSON, RegistrationResponseJSON } from "@simplewebauthn/server";

/** Authenticator data flags (WebAuthn §6.1). */
const UP = 0x01;
const UV = 0x04;
const BE = 0x08;
const BS = 0x10;
const AT = 0x40;

export interface SoftCredential {
  /** base64url */
  id: string;
  privateKey: KeyObject;
  /** The user handle the RP gave at registration (base64url). */
  userHandle: string;
  rpId: string;
  counter: number;
}

/** What a test changes about one answer: the authenticator lies, or is used from elsewhere. */
export interface AnswerOverrides {
  /** The origin in clientDataJSON (a phishing site). Default: the authenticator's origin. */
  origin?: string;
  /** The RP ID whose hash goes into authenticator data. Default: the options' RP ID. */
  rpId?: string;
  /** false: no user verification (UV flag off). Default: the authenticator's setting. */
  userVerified?: boolean;
  /** The challenge to sign instead of the options'. */
  challenge?: string;
  /** Answer with this credential (by ID), whatever the options allow. */
  credentialId?: string;
  /** The signature counter to report for this answer (a cloned authenticator going backwards). */
  counter?: number;
}

export interface SoftAuthenticatorOptions {
  /** The page the browser would be on: `PUBLIC_URL` of the test service. */
  origin: string;
  /** Verifies the user (fingerprint, PIN) unless told otherwise. */
  userVerified?: boolean;
  /** A synced passkey (backup eligible and backed up, counter always 0) or a device-bound key that counts. */
  synced?: boolean;
}

function b64url(bytes: Uint8Array | Buffer): string {
  return Buffer.from(bytes).toString("base64url");
}

function sha256(data: Uint8Array | string): Buffer {
  return createHash("sha256").update(data).digest();
}

/**
 * A WebAuthn authenticator in Node (issue 13 tests): ES256 keys from node:crypto, authenticator
 * data with rpIdHash, flags UP|UV|BE|BS and the counter, attested credential data, an attestation
 * object in CBOR with fmt "none". It answers the options @simplewebauthn/server hands out as
 * @simplewebauthn/browser would, and can be told to lie (no UV, another origin, another RP ID,
 * another challenge, a counter going backwards) for the tests of what the server refuses.
 */
export class SoftAuthenticator {
  readonly credentials: SoftCredential[] = [];
  private readonly options: Required<SoftAuthenticatorOptions>;

  constructor(options: SoftAuthenticatorOptions) {
    this.options = { userVerified: true, synced: true, ...options };
  }

  /** navigator.credentials.create(): a new discoverable credential for the options' RP and user. */
  register(options: PublicKeyCredentialCreationOptionsJSON, overrides: AnswerOverrides = {}): RegistrationResponseJSON {
    const rpId = overrides.rpId ?? options.rp.id ?? new URL(this.options.origin).hostname;
    const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
    const jwk = publicKey.export({ format: "jwk" });
    const credentialId = new Uint8Array(Buffer.concat([Buffer.from("soft-"), sha256(String(Math.random())).subarray(0, 16)]));
    const coseKey = encodeCBOR(
      new Map<number, number | Uint8Array>([
        [1, 2],
        [3, -7],
        [-1, 1],
        [-2, new Uint8Array(Buffer.from(jwk.x ?? "", "base64url"))],
        [-3, new Uint8Array(Buffer.from(jwk.y ?? "", "base64url"))],
      ]),
    );
    const counter = overrides.counter ?? (this.options.synced ? 0 : 1);
    const attested = Buffer.concat([Buffer.alloc(16), Buffer.from([credentialId.length >> 8, credentialId.length & 0xff]), credentialId, coseKey]);
    const authData = Buffer.concat([this.authDataHead(rpId, overrides, counter, AT), attested]);
    const clientData = this.clientData("webauthn.create", overrides.challenge ?? options.challenge, overrides);
    const attestation = new Map<string, CBORType>();
    attestation.set("fmt", "none");
    attestation.set("attStmt", new Map<string, CBORType>());
    attestation.set("authData", new Uint8Array(authData));
    const attestationObject = encodeCBOR(attestation);
    const id = b64url(credentialId);
    this.credentials.push({ id, privateKey, userHandle: options.user.id, rpId, counter });
    return {
      id,
      rawId: id,
      type: "public-key",
      response: { clientDataJSON: b64url(clientData), attestationObject: b64url(attestationObject), transports: ["internal", "hybrid"] },
      authenticatorAttachment: "platform",
      clientExtensionResults: {},
    };
  }

  /** navigator.credentials.get(): an assertion by the first credential the options allow (any of this RP's when none are listed). */
  assert(options: PublicKeyCredentialRequestOptionsJSON, overrides: AnswerOverrides = {}): AuthenticationResponseJSON {
    const credential = this.pick(options, overrides);
    const rpId = overrides.rpId ?? options.rpId ?? credential.rpId;
    if (overrides.counter === undefined && !this.options.synced) {
      credential.counter += 1;
    }
    const counter = overrides.counter ?? (this.options.synced ? 0 : credential.counter);
    const authData = this.authDataHead(rpId, overrides, counter, 0);
    const clientData = this.clientData("webauthn.get", overrides.challenge ?? options.challenge, overrides);
    const signature = sign("sha256", Buffer.concat([authData, sha256(clientData)]), credential.privateKey);
    return {
      id: credential.id,
      rawId: credential.id,
      type: "public-key",
      response: { clientDataJSON: b64url(clientData), authenticatorData: b64url(authData), signature: b64url(signature), userHandle: credential.userHandle },
      authenticatorAttachment: "platform",
      clientExtensionResults: {},
    };
  }

  private pick(options: PublicKeyCredentialRequestOptionsJSON, overrides: AnswerOverrides): SoftCredential {
    const wanted = overrides.credentialId ?? options.allowCredentials?.find((allowed) => this.credentials.some((credential) => credential.id === allowed.id))?.id;
    const credential = wanted === undefined ? this.credentials[0] : this.credentials.find((one) => one.id === wanted);
    if (credential === undefined) {
      throw new Error("the soft authenticator holds no such credential");
    }
    return credential;
  }

  private authDataHead(rpId: string, overrides: AnswerOverrides, counter: number, extraFlags: number): Buffer {
    const verified = overrides.userVerified ?? this.options.userVerified;
    const flags = UP | (verified ? UV : 0) | (this.options.synced ? BE | BS : 0) | extraFlags;
    const count = Buffer.alloc(4);
    count.writeUInt32BE(counter);
    return Buffer.concat([sha256(rpId), Buffer.from([flags]), count]);
  }

  private clientData(type: string, challenge: string, overrides: AnswerOverrides): Buffer {
    return Buffer.from(JSON.stringify({ type, challenge, origin: overrides.origin ?? this.options.origin, crossOrigin: false }));
  }
}
