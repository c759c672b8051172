import { timingSafeEqual } from "node:crypto";
import type { Clock, Random } from "../kernel/ports.ts";
import type { OidcClient, OidcClientStore } from "./ports-oidc.ts";
import { InvalidInputError } from "../kernel/errors.ts";
import { MAX_NAME_LENGTH, OIDC_CLIENT_SECRET_BYTES } from "../kernel/limits.ts";
import { readableTextCheck, readableTextProblemWords } from "../kernel/readable-text.ts";
import { hashToken } from "../kernel/token-hash.ts";

/**
 * A client ID: what the relying party sends as `client_id` and the operator types. Lower case only,
 * so two clients never differ by case alone; no `:` or `/`, so it never reads as a URI.
 */
export const CLIENT_ID_PATTERN = /^[a-z0-9][a-z0-9._-]{2,63}$/;

/** Longer than any real redirect URI; a pasted page of text is refused, not stored. */
export const MAX_CLIENT_URI_LENGTH = 2000;

/** The only hosts where plain http is allowed: the machine itself (RFC 8252 §7.3, OAuth 2.1 §2.3.1). */
const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);

// Visible ASCII only: the URL parser would silently drop tabs, line breaks and edge spaces, and
// exact matching (OAuth 2.1 §4.1.3) needs one spelling; an international host is written as xn--….
const VISIBLE_ASCII = /^[\x21-\x7E]+$/u;
// `user:password@` (or only `@`) before the host: a credential in a URI is logged everywhere it goes.
const USER_INFO = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*@/iu;

export interface ClientRegistrationInput {
  clientId: string;
  name: string;
  /** At least one; exact URIs. */
  redirectUris: string[];
  postLogoutRedirectUris: string[];
  backchannelLogoutUri: string | null;
  /** A public client (the app): no secret, PKCE only. */
  isPublic: boolean;
}

/** A new client, and its secret in clear for the one time it is shown (null for a public client). */
export interface RegisteredClient {
  client: OidcClient;
  secret: string | null;
}

/**
 * What is wrong with one URI a client registers, or null: absolute, in its canonical spelling (so
 * the exact match at the provider is the match the operator sees), https or http on loopback only,
 * no fragment (OAuth 2.1 §2.3, OIDC Back-Channel Logout §2.2) and no user or password.
 */
export function clientUriProblem(label: string, uri: string): string | null {
  if (uri.length > MAX_CLIENT_URI_LENGTH) {
    return `${label} is longer than ${MAX_CLIENT_URI_LENGTH} characters`;
  }
  if (!VISIBLE_ASCII.test(uri)) {
    return `${label} must be visible ASCII without spaces (an international host name as xn--…)`;
  }
  if (uri.includes("#")) {
    return `${label} ${uri} must not have a fragment (#…)`;
  }
  if (USER_INFO.test(uri)) {
    return `${label} ${uri} must not carry a user name or password`;
  }
  if (!URL.canParse(uri)) {
    return `${label} ${uri} is not an absolute URI`;
  }
  const url = new URL(uri);
  if (url.protocol !== "https:" && !(url.protocol === "http:" && LOOPBACK_HOSTS.has(url.hostname))) {
    return `${label} ${uri} must use https (http only on localhost, 127.0.0.1 or [::1])`;
  }
  if (url.href !== uri) {
    return `${label} ${uri} is not written in its canonical form: write ${url.href}`;
  }
  return null;
}

/** Every problem with a new client, in words an operator can act on; empty when it is fine. */
export function clientRegistrationProblems(input: ClientRegistrationInput): string[] {
  const problems: string[] = [];
  if (!CLIENT_ID_PATTERN.test(input.clientId)) {
    problems.push("client ID must be 3-64 characters of lower-case letters, digits and . _ -, starting with a letter or digit");
  }
  const name = readableTextCheck("clientName", input.name);
  if ("problem" in name) {
    problems.push(`name must be readable text of 1-${MAX_NAME_LENGTH} characters: ${readableTextProblemWords(name.problem)}`);
  }
  if (input.redirectUris.length === 0) {
    problems.push("at least one redirect URI is required");
  }
  problems.push(...uriListProblems("redirect URI", input.redirectUris));
  problems.push(...uriListProblems("post-logout redirect URI", input.postLogoutRedirectUris));
  if (input.backchannelLogoutUri !== null) {
    const problem = clientUriProblem("back-channel logout URI", input.backchannelLogoutUri);
    if (problem !== null) {
      problems.push(problem);
    }
  }
  return problems;
}

function uriListProblems(label: string, uris: string[]): string[] {
  const problems: string[] = [];
  for (const [index, uri] of uris.entries()) {
    const problem = clientUriProblem(label, uri);
    if (problem !== null) {
      problems.push(problem);
    } else if (uris.indexOf(uri) !== index) {
      problems.push(`${label} ${uri} is given twice`);
    }
  }
  return problems;
}

/**
 * Registers a relying party. A confidential client gets a new 256-bit secret, returned once in
 * clear and stored only as its SHA-256. Throws InvalidInputError, writing nothing, on bad input
 * or a client ID that is taken.
 */
export async function registerClient(
  deps: { clients: OidcClientStore; clock: Clock; random: Random },
  input: ClientRegistrationInput,
): Promise<RegisteredClient> {
  const problems = clientRegistrationProblems(input);
  const name = readableTextCheck("clientName", input.name);
  if (problems.length > 0 || "problem" in name) {
    throw new InvalidInputError(problems.join("; "));
  }
  const secret = input.isPublic ? null : newClientSecret(deps.random);
  const client: OidcClient = {
    clientId: input.clientId,
    name: name.text,
    secretHash: secret === null ? null : hashToken(secret),
    redirectUris: [...input.redirectUris],
    postLogoutRedirectUris: [...input.postLogoutRedirectUris],
    backchannelLogoutUri: input.backchannelLogoutUri,
    createdAt: deps.clock.now(),
    secretRotatedAt: null,
  };
  if (!(await deps.clients.add(client))) {
    throw new InvalidInputError(`client ID already exists: ${input.clientId}`);
  }
  return { client, secret };
}

/**
 * Gives a confidential client a new secret (returned once in clear); the old one stops working at
 * once, since only the new hash is kept. Throws InvalidInputError for an unknown or a public client.
 */
export async function rotateClientSecret(deps: { clients: OidcClientStore; clock: Clock; random: Random }, clientId: string): Promise<string> {
  const client = await deps.clients.find(clientId);
  if (client === null) {
    throw unknownClient(clientId);
  }
  if (client.secretHash === null) {
    throw new InvalidInputError(`client ${clientId} is public (PKCE only): it has no secret to rotate`);
  }
  const secret = newClientSecret(deps.random);
  if (!(await deps.clients.replaceSecret(clientId, hashToken(secret), deps.clock.now()))) {
    // Removed between the two statements.
    throw unknownClient(clientId);
  }
  return secret;
}

/**
 * Removes a relying party: its live connections end (`client_removed`) and its grants' tokens are
 * deleted with it (OidcClientStore.remove, one transaction). Throws InvalidInputError for an unknown one.
 */
export async function removeClient(deps: { clients: OidcClientStore }, clientId: string): Promise<void> {
  if (!(await deps.clients.remove(clientId))) {
    throw unknownClient(clientId);
  }
}

/** Does `presented` match the client's secret? Compared as SHA-256 digests, in constant time; false for a public client. */
export function clientSecretMatches(client: OidcClient, presented: string): boolean {
  if (client.secretHash === null) {
    return false;
  }
  const stored = Buffer.from(client.secretHash, "hex");
  const given = Buffer.from(hashToken(presented), "hex");
  return stored.length === given.length && timingSafeEqual(stored, given);
}

function newClientSecret(random: Random): string {
  return random.token(OIDC_CLIENT_SECRET_BYTES);
}

function unknownClient(clientId: string): InvalidInputError {
  // Echoed only when it has a client ID's form: a typed ID may hold anything, a bidi control too.
  return new InvalidInputError(CLIENT_ID_PATTERN.test(clientId) ? `unknown client ID: ${clientId}` : "unknown client ID (not of the form client IDs have)");
}
