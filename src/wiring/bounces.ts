import type { Logger } from "pino";
import type { Config } from "../config.ts";
import type { Clock } from "../core/kernel/ports.ts";
import type { AuditLog } from "../core/kernel/ports-audit.ts";
import type { DatabaseHandle } from "../adapters/db/connect.ts";
import { createMailBounceStore } from "../adapters/db/mail-bounces.ts";
import { BounceListener, DEFAULT_BOUNCE_LISTENER_SETTINGS } from "../adapters/mail/bounce-listener.ts";
import type { DroppedWhy } from "../adapters/mail/bounce-listener.ts";

/** The bounce listener on BOUNCE_LISTEN, listening; null when BOUNCE_LISTEN is not set (issue 22 §1). */
export async function startBounceListener(
  config: Readonly<Config>,
  database: DatabaseHandle,
  deps: { audit: AuditLog; clock: Clock; logger: Logger; dropped: (why: DroppedWhy) => void },
): Promise<BounceListener | null> {
  const listen = config.bounce.listen;
  if (listen === null) {
    return null;
  }
  const listener = new BounceListener({
    store: createMailBounceStore(database.db),
    audit: deps.audit,
    clock: deps.clock,
    logger: deps.logger,
    settings: { ...DEFAULT_BOUNCE_LISTENER_SETTINGS, domain: config.bounce.domain },
    dropped: deps.dropped,
  });
  await listener.listen(listen.host, listen.port);
  deps.logger.info({ host: listen.host, port: listener.port, domain: config.bounce.domain }, "bounces: listening for delivery status notifications");
  return listener;
}
