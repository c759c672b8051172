import type { Config } from "./config.ts";

/** What the banner reports besides the configuration: the dev mail catcher, the demo customer, the Node.js version. */
export interface StartFacts {
  mailCatcher: boolean;
  demo: { loginId: string; password: string } | null;
  nodeVersion: string;
}

/**
 * What `npm start` prints once it listens. Issue 21, item 8: the forms work only at PUBLIC_URL
 * (the origin check refuses any other, [4030]), so the banner says so beside the listening
 * address, which is not the address to open when it differs (127.0.0.1 for localhost).
 */
export function startBanner(config: Readonly<Config>, facts: StartFacts): string[] {
  const lines = [
    `okb-login is running at ${config.publicUrl}/login`,
    `Open the pages at PUBLIC_URL ${config.publicUrl}: forms work at this address only (listening on ${config.host}:${config.port})`,
  ];
  lines.push(
    config.console.listen === null
      ? `Operator console: ${config.publicUrl}/console`
      : `Operator console (own listener ${config.console.listen.host}:${config.console.listen.port}): ${config.console.publicUrl}/console`,
  );
  // Where a trading site or the app points openid-client (issue 20).
  lines.push(`OpenID Provider: ${config.oidc.issuer}/.well-known/openid-configuration (clients: npm run cli -- client add …)`);
  if (facts.mailCatcher) {
    lines.push(`Mails go to the local catcher: ${config.publicUrl}/dev/mailbox (development only)`);
  }
  if (facts.demo !== null) {
    lines.push(`Demo customer: login ID "${facts.demo.loginId}", password "${facts.demo.password}" (new at every start)`);
  }
  lines.push(`Node.js ${facts.nodeVersion}`);
  return lines;
}

/**
 * fastify's `Server listening at …` log line (its `listenTextResolver`), with the address the
 * pages are opened at: the listening address alone sent people to a host whose forms fail.
 */
export function listenLogText(publicUrl: string): (address: string) => string {
  return (address) => `Server listening at ${address}; open the pages at PUBLIC_URL ${publicUrl} (forms work at that address only)`;
}
