import { randomUUID } from "node:crypto";
import type { CliContext } from "./cli-context.ts";
import { buildPasswordHasher } from "../wiring/stores.ts";
import { nodeRandom, systemClock } from "../adapters/crypto/node-random.ts";
import { InvalidInputError } from "../core/kernel/errors.ts";
import { TradingPins } from "../core/trading-pin/trading-pin.ts";
import { tradingPinRefusal } from "../core/trading-pin/trading-pin-rules.ts";
import { parseOperatorActionArgs } from "./operator-action-args.ts";
import { withStores } from "./with-stores.ts";
import { readPassword } from "./read-stdin.ts";
import { UsageError } from "./usage-error.ts";

const COMMAND = "customer set-trading-pin";

/**
 * `customer set-trading-pin ID [--reason TEXT]`, the PIN on standard input (DESIGN §7, issue 13
 * §4): sets or replaces the customer's trading PIN (取引暗証番号); the failure count starts from
 * zero and a PIN lock is lifted. The PIN rules are checked before the database is opened (exit 2,
 * nothing written). Audited as trading_pin.changed with the OS user; the PIN is never printed.
 */
export async function customerSetTradingPinCommand(context: CliContext, args: string[]): Promise<void> {
  const { loginId, actor, reason } = parseOperatorActionArgs(COMMAND, args, (who) => `trading PIN set from the command line by ${who}`);
  // Before the PIN, so a broken environment is reported before anyone types a secret.
  const config = context.config();
  const pin = await readPassword(context.stdin, context.stderr, { label: "Trading PIN: " });
  if (pin === null) {
    throw new UsageError(`${COMMAND}: no PIN on standard input (give it as the first line)`);
  }
  const refusal = tradingPinRefusal(pin);
  if (refusal !== null) {
    throw new InvalidInputError(`the trading PIN is refused (${refusal}): 4 to 8 digits, not one digit repeated, not a straight run up or down`);
  }
  await withStores(config, async (stores) => {
    const customer = await stores.customers.findByLoginId(loginId);
    if (customer === null) {
      throw new InvalidInputError(`no customer with login ID ${loginId}`);
    }
    const pins = new TradingPins({
      pins: stores.tradingPins,
      customers: stores.customers,
      hasher: buildPasswordHasher(config),
      clock: systemClock,
      random: nodeRandom,
      outbox: stores.mailOutbox(() => {}),
      audit: stores.audit,
      brand: config.brand,
    });
    await pins.set(customer.id, pin, { actor, reason, context: { ip: "cli", userAgent: "", requestId: randomUUID() } });
    context.stdout.write(`set the trading PIN of customer ${customer.loginId}\n`);
  });
}
