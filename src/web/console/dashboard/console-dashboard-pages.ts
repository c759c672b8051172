import type { WebPlugin } from "../../kernel/plugin.ts";
import type { ConsoleWebOptions } from "../console-plugin.ts";
import { consolePageBase, renderConsolePage } from "../console-page.ts";
import { consoleText } from "../i18n-console.ts";
import { operatorOf, operatorPages } from "../console-session.ts";
import { dashboardView } from "./dashboard-view.ts";

/**
 * `/console/dashboard` (issue 22 §2): the operations dashboard for agents and supervisors. The
 * tables are the figures; dashboard-charts.js draws each table as a chart (decoration, hidden from
 * screen readers). Audited as a console request, as the API is.
 */
export const consoleDashboardPages: WebPlugin<ConsoleWebOptions> = async (app, { brand, dashboard, operatorSessions }) => {
  operatorPages(app, operatorSessions);

  app.get("/console/dashboard", async (request, reply) => {
    const base = consolePageBase(request, brand, operatorOf(request));
    const view = dashboardView(await dashboard.figures(), (key) => consoleText(base.lang, key));
    return renderConsolePage(reply, "console-dashboard", base, view);
  });
};
