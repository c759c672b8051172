import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { WebScope } from "../../kernel/plugin.ts";

const resolve = createRequire(import.meta.url).resolve;

/** uPlot's stylesheet and the dashboard's, appended to console.css (console-static.ts). */
export const DASHBOARD_STYLES: readonly Buffer[] = [
  readFileSync(resolve("uplot/dist/uPlot.min.css")),
  readFileSync(new URL("./dashboard.css", import.meta.url)),
];

/** The dashboard's scripts under /console/static (so the console's own listener serves them too); only these, each read once at start. */
const SCRIPTS: ReadonlyMap<string, Buffer> = new Map([
  ["uplot.js", readFileSync(resolve("uplot/dist/uPlot.iife.min.js"))],
  ["dashboard-charts.js", readFileSync(new URL("./dashboard-charts.js", import.meta.url))],
]);

export function registerDashboardScripts(app: WebScope): void {
  for (const [name, script] of SCRIPTS) {
    app.get(`/console/static/${name}`, async (_request, reply) => {
      return reply.type("text/javascript; charset=utf-8").header("cache-control", "public, max-age=3600").send(script);
    });
  }
}
