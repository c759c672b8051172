import type { WebPlugin } from "../../kernel/plugin.ts";
import type { ConsoleWebOptions } from "../console-plugin.ts";
import { operatorApi } from "../console-session.ts";
import { dashboardJson } from "./dashboard-json.ts";

/**
 * `GET /console/api/v1/dashboard` (issue 22 §2): the operations dashboard's figures as JSON, the
 * same the page shows. Any live console session, agent or supervisor; audited as a console request.
 */
export const consoleDashboardApi: WebPlugin<ConsoleWebOptions> = async (api, { dashboard, operatorSessions }) => {
  operatorApi(api, operatorSessions);

  api.get("/dashboard", async (_request, reply) => {
    return reply.send(dashboardJson(await dashboard.figures()));
  });
};
