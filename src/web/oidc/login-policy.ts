import { interactionPolicy } from "oidc-provider";
import type { KoaContextWithOIDC } from "oidc-provider";
import { acrOf, meetsRequestedAcr } from "../../core/oidc/acr.ts";
import { liveLoginOf, providerSessionMatches } from "./live-login.ts";

/** The reasons our pages act on (interaction-pages.ts), beside oidc-provider's own (`login_prompt`, `max_age`, `no_session`). */
export const OKB_SESSION_CHANGED = "okb_session_changed";
export const ACR_NOT_MET = "okb_acr_not_met";

/**
 * oidc-provider's prompts with two checks of ours added to `login`: the okb-login session must still
 * be the one the provider's session stands for (a logout on our pages logs the customer out of single
 * sign-on too), and a request for a passkey (`acr_values`) is met only by a passkey login. The consent
 * prompt stays: our interaction answers it at once for our registered first-party clients, and the
 * grant is recorded.
 */
export function loginPolicy(): interactionPolicy.Prompt[] {
  const policy = interactionPolicy.base();
  const login = policy.get("login");
  if (login === undefined) {
    throw new Error("oidc-provider's base policy has no login prompt");
  }
  login.checks.push(
    new interactionPolicy.Check(OKB_SESSION_CHANGED, "the okb-login session has ended or is another", (ctx: KoaContextWithOIDC) =>
      providerSessionMatches(liveLoginOf(ctx), ctx.oidc.session) ? interactionPolicy.Check.NO_NEED_TO_PROMPT : interactionPolicy.Check.REQUEST_PROMPT,
    ),
    new interactionPolicy.Check(ACR_NOT_MET, "the client asked for a stronger login (acr_values)", (ctx: KoaContextWithOIDC) => {
      const login = liveLoginOf(ctx);
      const acrValues = ctx.oidc.params?.["acr_values"];
      const met = login !== null && meetsRequestedAcr(acrOf(login.authMethods), typeof acrValues === "string" ? acrValues : undefined);
      return met ? interactionPolicy.Check.NO_NEED_TO_PROMPT : interactionPolicy.Check.REQUEST_PROMPT;
    }),
  );
  return [...policy];
}
