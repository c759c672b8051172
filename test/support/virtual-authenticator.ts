import type { CDPSession, Page } from "playwright-core";

/** A credential as the DevTools virtual authenticator holds it (WebAuthn.getCredentials). */
export interface VirtualCredential {
  credentialId: string;
  isResidentCredential: boolean;
  rpId?: string;
  userHandle?: string;
  signCount: number;
}

/** Options of WebAuthn.addVirtualAuthenticator that a test changes; the rest is a phone's platform authenticator. */
export interface VirtualAuthenticatorOptions {
  /** false: the authenticator cannot verify the user (no fingerprint, face or screen lock matched). */
  isUserVerified?: boolean;
  /** false: it has no way to verify the user at all (a plain security key); Chromium then lets it answer without. */
  hasUserVerification?: boolean;
  /** true: its passkeys are synced (backup eligible and backed up: iCloud Keychain, Google Password Manager); default: on this device only. */
  synced?: boolean;
}

/**
 * A passkey provider for a test page: Chromium's DevTools virtual authenticator over a CDP
 * session (issue 13, "How it is verified"), CTAP2 over the internal transport with resident
 * keys (passkeys) and user verification, answering without a prompt. It serves every page of
 * the browser context's tab it was added to; remove() takes it away with its credentials.
 * Chromium allows one such (internal) authenticator per tab at a time.
 */
export class VirtualAuthenticator {
  private readonly cdp: CDPSession;
  readonly authenticatorId: string;

  private constructor(cdp: CDPSession, authenticatorId: string) {
    this.cdp = cdp;
    this.authenticatorId = authenticatorId;
  }

  static async add(page: Page, options: VirtualAuthenticatorOptions = {}): Promise<VirtualAuthenticator> {
    const cdp = await page.context().newCDPSession(page);
    await cdp.send("WebAuthn.enable", { enableUI: false });
    const { authenticatorId } = await cdp.send("WebAuthn.addVirtualAuthenticator", {
      options: {
        protocol: "ctap2",
        transport: "internal",
        hasResidentKey: true,
        hasUserVerification: options.hasUserVerification ?? true,
        isUserVerified: options.isUserVerified ?? options.hasUserVerification ?? true,
        automaticPresenceSimulation: true,
        defaultBackupEligibility: options.synced ?? false,
        defaultBackupState: options.synced ?? false,
      },
    });
    return new VirtualAuthenticator(cdp, authenticatorId);
  }

  /** The passkeys it holds now. */
  async credentials(): Promise<VirtualCredential[]> {
    const { credentials } = await this.cdp.send("WebAuthn.getCredentials", { authenticatorId: this.authenticatorId });
    return credentials;
  }

  /** Whether the next ceremonies verify the user (a finger that matches, or not). */
  async setUserVerified(isUserVerified: boolean): Promise<void> {
    await this.cdp.send("WebAuthn.setUserVerified", { authenticatorId: this.authenticatorId, isUserVerified });
  }

  /** Takes the authenticator (and its passkeys) out of the browser. */
  async remove(): Promise<void> {
    await this.cdp.send("WebAuthn.removeVirtualAuthenticator", { authenticatorId: this.authenticatorId });
    await this.cdp.detach();
  }
}
