import { ConfigError, loadConfig } from "./config.ts";
import { createService } from "./service.ts";
import { listenLogText, startBanner } from "./start-banner.ts";

/** Entry point: the only place that reads process.env. */
async function main(): Promise<void> {
  let loaded;
  try {
    loaded = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`okb-login: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const { config, warnings } = loaded;
  const service = await createService(config);
  for (const warning of warnings) {
    service.app.log.warn(warning);
  }
  await service.app.listen({ host: config.host, port: config.port, listenTextResolver: listenLogText(config.publicUrl) });
  if (service.consoleApp !== null && config.console.listen !== null) {
    // A copy: fastify writes into the options it is given, and the configuration is frozen.
    await service.consoleApp.listen({ host: config.console.listen.host, port: config.console.listen.port, listenTextResolver: listenLogText(config.console.publicUrl) });
  }

  const lines = startBanner(config, { mailCatcher: service.mailCatcher !== null, demo: service.demo, nodeVersion: process.version });
  process.stdout.write(`\n${lines.join("\n")}\n\n`);

  // SIGTERM (orchestrator, systemd) or SIGINT: stop taking requests, let those in flight
  // finish, send the mails in hand and those due, close Redis, SMTP and the database,
  // exit 0. A second signal, or a shutdown still running after SHUTDOWN_TIMEOUT_SECONDS
  // (20 s: well inside the usual 30 s an orchestrator waits before SIGKILL), exits 1 at once.
  // Nothing on this path waits for the log's reader (non-blocking-destination.ts).
  const shutdownTimeoutMs = config.shutdownTimeoutSeconds * 1000;
  let closing = false;
  const shutdown = (signal: string): void => {
    if (closing) {
      service.app.log.error({ signal }, "second signal during shutdown; exiting now");
      process.exit(1);
    }
    closing = true;
    service.app.log.info({ signal }, "shutting down");
    const deadline = setTimeout(() => {
      service.app.log.error({ timeoutMs: shutdownTimeoutMs }, "shutdown did not finish in time; exiting now");
      process.exit(1);
    }, shutdownTimeoutMs);
    deadline.unref();
    service.close().then(
      () => {
        service.app.log.info("shut down");
        process.exit(0);
      },
      (error: unknown) => {
        service.app.log.error({ err: error }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  process.on("SIGINT", () => shutdown("SIGINT"));
}

await main();
