import { ConfigError, loadConfig } from "./config.ts";
import { createService } from "./service.ts";

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
  await service.app.listen({ host: config.host, port: config.port });

  const lines = [`okb-login is running at ${config.publicUrl}/login`];
  if (service.mailCatcher !== null) {
    lines.push(`Mails go to the local catcher: ${config.publicUrl}/dev/mailbox (development only)`);
  }
  if (service.demo !== null) {
    lines.push(`Demo customer: login ID "${service.demo.loginId}", password "${service.demo.password}" (new at every start)`);
  }
  process.stdout.write(`\n${lines.join("\n")}\n\n`);

  let closing = false;
  const shutdown = (signal: string): void => {
    if (closing) {
      return;
    }
    closing = true;
    service.app.log.info({ signal }, "shutting down");
    service.close().then(
      () => process.exit(0),
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
