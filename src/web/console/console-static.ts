import { readFileSync } from "node:fs";
import type { WebScope } from "../kernel/plugin.ts";
import { DASHBOARD_STYLES, registerDashboardScripts } from "./dashboard/dashboard-static.ts";

// The customers' stylesheet and the console's additions in one response, under /console so
// it is served on the console's own listener too (CONSOLE_LISTEN), where /static is not.
const STYLE = Buffer.concat([
  readFileSync(new URL("../static/style.css", import.meta.url)),
  Buffer.from("\n"),
  readFileSync(new URL("../static/console.css", import.meta.url)),
  Buffer.from("\n"),
  ...DASHBOARD_STYLES,
]);

export function registerConsoleStatic(app: WebScope): void {
  app.get("/console/static/console.css", async (_request, reply) => {
    return reply.type("text/css; charset=utf-8").header("cache-control", "public, max-age=3600").send(STYLE);
  });
  registerDashboardScripts(app);
}
