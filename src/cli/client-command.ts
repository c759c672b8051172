import type { CliContext } from "./cli-context.ts";
import type { OidcClient } from "../core/oidc/ports-oidc.ts";
import type { ClientRegistrationInput } from "../core/oidc/client-registration.ts";
import { clientRegistrationProblems, registerClient, removeClient, rotateClientSecret } from "../core/oidc/client-registration.ts";
import { InvalidInputError } from "../core/kernel/errors.ts";
import { formatJapanTimeWithZone } from "../core/kernel/japan-time.ts";
import { nodeRandom, systemClock } from "../adapters/crypto/node-random.ts";
import { parseCommandArgs } from "./parse-command-args.ts";
import { UsageError } from "./usage-error.ts";
import { withStores } from "./with-stores.ts";

// Every flag is parsed as repeatable, so a single-valued flag given twice is refused instead of
// parseArgs quietly keeping the last one.
const ADD_FLAGS = {
  "client-id": { type: "string", multiple: true },
  name: { type: "string", multiple: true },
  "redirect-uri": { type: "string", multiple: true },
  "post-logout-redirect-uri": { type: "string", multiple: true },
  "backchannel-logout-uri": { type: "string", multiple: true },
  public: { type: "boolean" },
} as const;

const CLIENT_ID_FLAG = { "client-id": { type: "string", multiple: true } } as const;

/**
 * `client add --client-id ID --name NAME --redirect-uri URI [--redirect-uri URI …]
 * [--post-logout-redirect-uri URI …] [--backchannel-logout-uri URI] [--public]` (DESIGN §7).
 * A confidential client's secret is printed once, alone on a `client_secret: SECRET` line; the
 * database keeps only its SHA-256. Bad input is refused before the database is opened.
 */
export async function clientAddCommand(context: CliContext, args: string[]): Promise<void> {
  await refusalsExitOne(async () => {
    const command = "client add";
    const flags = parseCommandArgs(command, args, ADD_FLAGS);
    const input: ClientRegistrationInput = {
      clientId: single(command, flags["client-id"], "--client-id"),
      name: single(command, flags.name, "--name"),
      redirectUris: required(command, flags["redirect-uri"], "--redirect-uri"),
      postLogoutRedirectUris: flags["post-logout-redirect-uri"] ?? [],
      backchannelLogoutUri: optionalSingle(command, flags["backchannel-logout-uri"], "--backchannel-logout-uri"),
      isPublic: flags.public === true,
    };
    const problems = clientRegistrationProblems(input);
    if (problems.length > 0) {
      throw new InvalidInputError(problems.join("; "));
    }
    const config = context.config();
    await withStores(config, async (stores) => {
      const { client, secret } = await registerClient({ clients: stores.oidcClients, clock: systemClock, random: nodeRandom }, input);
      if (secret === null) {
        context.stdout.write(`added client ${client.clientId} (public: PKCE, no secret)\n`);
        return;
      }
      context.stderr.write("give this secret to the client's operators now: it is kept only as a hash and not shown again\n");
      context.stdout.write(`added client ${client.clientId} (confidential)\nclient_secret: ${secret}\n`);
    });
  });
}

/** `client list`: every client, oldest first, without its secret or the secret's hash. */
export async function clientListCommand(context: CliContext, args: string[]): Promise<void> {
  await refusalsExitOne(async () => {
    parseCommandArgs("client list", args, {});
    const clients = await withStores(context.config(), (stores) => stores.oidcClients.list());
    if (clients.length === 0) {
      context.stdout.write("no clients registered\n");
      return;
    }
    context.stdout.write(clients.map(describeClient).join("\n"));
  });
}

/** `client remove --client-id ID`: the client goes; its connections end and their tokens are deleted. */
export async function clientRemoveCommand(context: CliContext, args: string[]): Promise<void> {
  await refusalsExitOne(async () => {
    const command = "client remove";
    const clientId = single(command, parseCommandArgs(command, args, CLIENT_ID_FLAG)["client-id"], "--client-id");
    await withStores(context.config(), async (stores) => {
      await removeClient({ clients: stores.oidcClients }, clientId);
      context.stdout.write(`removed client ${clientId}; its connections ended and their tokens were deleted\n`);
    });
  });
}

/** `client rotate-secret --client-id ID`: a new secret, printed once; the old one stops working at once. */
export async function clientRotateSecretCommand(context: CliContext, args: string[]): Promise<void> {
  await refusalsExitOne(async () => {
    const command = "client rotate-secret";
    const clientId = single(command, parseCommandArgs(command, args, CLIENT_ID_FLAG)["client-id"], "--client-id");
    await withStores(context.config(), async (stores) => {
      const secret = await rotateClientSecret({ clients: stores.oidcClients, clock: systemClock, random: nodeRandom }, clientId);
      context.stderr.write("give this secret to the client's operators now: it is kept only as a hash and not shown again\n");
      context.stdout.write(`rotated the secret of client ${clientId}; the old secret no longer works\nclient_secret: ${secret}\n`);
    });
  });
}

function describeClient(client: OidcClient): string {
  const lines = [
    `${client.clientId}  ${client.name} (${client.secretHash === null ? "public" : "confidential"})`,
    `  redirect URIs: ${client.redirectUris.join(" ")}`,
    `  post-logout redirect URIs: ${orNone(client.postLogoutRedirectUris.join(" "))}`,
    `  back-channel logout URI: ${orNone(client.backchannelLogoutUri ?? "")}`,
    `  created: ${formatJapanTimeWithZone(client.createdAt)}`,
  ];
  if (client.secretRotatedAt !== null) {
    lines.push(`  secret rotated: ${formatJapanTimeWithZone(client.secretRotatedAt)}`);
  }
  return `${lines.join("\n")}\n`;
}

function orNone(text: string): string {
  return text === "" ? "(none)" : text;
}

/**
 * Issue 20 asks every refusal of the client commands (bad flag or value, unknown or taken ID) to
 * exit 1, where the older commands exit 2 on bad input: runCli reports a plain Error as
 * `error: …` with status 1, so the refusal is passed on as one, with the same one-line message.
 */
async function refusalsExitOne(work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (error) {
    if (error instanceof UsageError) {
      throw new Error(error.message, { cause: error });
    }
    if (error instanceof InvalidInputError) {
      throw new Error(error.detail, { cause: error });
    }
    throw error;
  }
}

function required(command: string, values: string[] | undefined, flag: string): string[] {
  if (values === undefined || values.length === 0) {
    throw new UsageError(`${command}: missing ${flag}`);
  }
  return values;
}

function single(command: string, values: string[] | undefined, flag: string): string {
  const [value, ...more] = required(command, values, flag);
  if (value === undefined || more.length > 0) {
    throw new UsageError(`${command}: ${flag} given more than once`);
  }
  return value;
}

function optionalSingle(command: string, values: string[] | undefined, flag: string): string | null {
  return values === undefined ? null : single(command, values, flag);
}
