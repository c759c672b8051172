import type { FastifyReply, FastifyRequest } from "fastify";
import type Provider from "oidc-provider";
import type { InteractionResults } from "oidc-provider";
import { z } from "zod";
import { acrOf, meetsRequestedAcr } from "../../core/oidc/acr.ts";
import type { AuthenticatedSession } from "../../core/login/session.ts";
import { SESSION_COOKIE } from "../kernel/cookies.ts";
import { detectLang, langQuery } from "../kernel/i18n.ts";
import { rememberPendingInteraction } from "../kernel/pending-interaction.ts";
import type { WebScope } from "../kernel/plugin.ts";
import { renderPage } from "../kernel/render.ts";
import { contextOf } from "../kernel/request-context.ts";
import type { SessionCheck } from "../kernel/customer-session.ts";
import type { Brand } from "../../core/kernel/brand.ts";
import { providerSessionMatches } from "./live-login.ts";

/** How long the browser remembers the interaction it logs in for: the interaction's own lifetime. */
const PENDING_SECONDS = 15 * 60;

const uidParams = z.object({ uid: z.string().regex(/^[A-Za-z0-9_-]{10,64}$/u) });

type Details = Awaited<ReturnType<Provider["interactionDetails"]>>;

export interface InteractionOptions {
  brand: Brand;
  sessions: SessionCheck;
  /** Does the customer have a passkey (else a passkey request is answered `unmet_authentication_requirements`)? */
  hasPasskey(customerId: string): Promise<boolean>;
}

/**
 * GET /oidc/interaction/:uid — where oidc-provider sends the browser when it needs a login or a
 * consent (issue 20 items 3 and 5). Our own pages do the login: without a live okb-login session,
 * or when the client asked for a fresh one (prompt=login, max_age) or a passkey the session did not
 * use, the browser goes to /login (or to the passkey page) and マイページ sends it back here
 * (pending-interaction.ts). With a session that satisfies the request, the login is finished at
 * once (single sign-on). Our registered clients are first-party: the consent is given here and the
 * grant recorded, without a screen.
 */
export function interactionPages(app: WebScope, provider: Provider, options: InteractionOptions): void {
  app.get("/oidc/interaction/:uid", { schema: { params: uidParams } }, async (request, reply) => {
    const details = await detailsOf(provider, request, reply);
    if (details === null || details.uid !== request.params.uid) {
      return renderPage(reply, "oidc-error", { lang: detectLang(request), brand: options.brand }, { gone: true, errorName: null }, 400);
    }
    if (details.prompt.name === "consent") {
      return finish(provider, request, reply, { consent: { grantId: await firstPartyGrant(provider, details) } });
    }
    const checked = await options.sessions.authenticate(request.cookies[SESSION_COOKIE], contextOf(request));
    const live = checked.live;
    const startedAt = (details.iat ?? 0) * 1000;
    const fresh = live !== null && live.session.createdAt >= startedAt;
    const mustBeFresh = details.prompt.reasons.includes("login_prompt") || details.prompt.reasons.includes("max_age");
    if (live === null || (mustBeFresh && !fresh)) {
      rememberPendingInteraction(reply, details.uid, PENDING_SECONDS);
      return reply.redirect(`/login${langQuery(detectLang(request))}`, 303);
    }
    const acrValues = typeof details.params["acr_values"] === "string" ? details.params["acr_values"] : undefined;
    if (!meetsRequestedAcr(acrOf(live.session.authMethods), acrValues)) {
      if (!(await options.hasPasskey(live.customer.id))) {
        return finish(provider, request, reply, {
          error: "unmet_authentication_requirements",
          error_description: "the customer has no passkey registered",
        });
      }
      rememberPendingInteraction(reply, details.uid, PENDING_SECONDS);
      const client = await provider.Client.find(String(details.params["client_id"]));
      return renderPage(reply, "oidc-passkey", { lang: detectLang(request), brand: options.brand }, {
        clientName: client?.clientName ?? String(details.params["client_id"]),
        cancelUrl: `/oidc/interaction/${details.uid}/abort`,
      });
    }
    await forgetOtherLogin(provider, details, live);
    return finish(provider, request, reply, { login: loginResult(live) });
  });

  // 「ご利用のサービスに戻る」 on the passkey page: the client hears the customer did not finish.
  app.get("/oidc/interaction/:uid/abort", { schema: { params: uidParams } }, async (request, reply) => {
    const details = await detailsOf(provider, request, reply);
    if (details === null || details.uid !== request.params.uid) {
      return renderPage(reply, "oidc-error", { lang: detectLang(request), brand: options.brand }, { gone: true, errorName: null }, 400);
    }
    return finish(provider, request, reply, { error: "access_denied", error_description: "the customer did not finish the login" });
  });
}

/** The interaction the browser's cookie names, or null when there is none (expired, finished, another browser). */
async function detailsOf(provider: Provider, request: FastifyRequest, reply: FastifyReply): Promise<Details | null> {
  try {
    return await provider.interactionDetails(request.raw, reply.raw);
  } catch {
    return null;
  }
}

/** What the provider's session takes from ours: the customer, how and when they logged in. */
function loginResult(live: AuthenticatedSession): NonNullable<InteractionResults["login"]> {
  return {
    accountId: live.customer.id,
    acr: acrOf(live.session.authMethods),
    amr: live.session.authMethods,
    // Our session's start, so auth_time tells when the customer really logged in (single sign-on included).
    ts: Math.floor(live.session.createdAt / 1000),
    // The provider's cookie lives as long as the browser's session, as ours does.
    remember: false,
  };
}

/**
 * A provider session left from another okb-login session (a logout, another login, the passkey of a
 * step-up) is dropped first: the new login gets a session of its own, so its `sid`s are new and a
 * back-channel logout of the old session cannot log this one out, nor the other way round. The
 * interaction is unbound from it too, as oidc-provider's resume does when the account changes: else
 * the provider refuses to finish an interaction whose session is gone ("session not found").
 */
async function forgetOtherLogin(provider: Provider, details: Details, live: AuthenticatedSession): Promise<void> {
  const old = details.session;
  if (old === undefined) {
    return;
  }
  const stored = await provider.Session.find(old.cookie);
  if (stored !== undefined && !providerSessionMatches({ customerId: live.customer.id, authMethods: live.session.authMethods, createdAt: live.session.createdAt, sessionIdHash: live.session.idHash }, stored)) {
    await stored.destroy();
    delete details.session;
    // Its remaining life, on the provider's own (real) clock.
    await details.save(details.exp - Math.floor(Date.now() / 1000));
  }
}

/**
 * The grant a first-party client asked for: the scopes, claims and API scope it is missing are
 * added to its grant (or a new one), which the provider keeps and our connections name.
 */
async function firstPartyGrant(provider: Provider, details: Details): Promise<string> {
  const accountId = details.session?.accountId;
  const clientId = String(details.params["client_id"]);
  const grant = (details.grantId === undefined ? undefined : await provider.Grant.find(details.grantId)) ?? new provider.Grant({ accountId, clientId });
  const missing = details.prompt.details as { missingOIDCScope?: string[]; missingOIDCClaims?: string[]; missingResourceScopes?: Record<string, string[]> };
  if (missing.missingOIDCScope !== undefined) {
    grant.addOIDCScope(missing.missingOIDCScope.join(" "));
  }
  if (missing.missingOIDCClaims !== undefined) {
    grant.addOIDCClaims(missing.missingOIDCClaims);
  }
  for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes ?? {})) {
    grant.addResourceScope(indicator, scopes.join(" "));
  }
  return grant.save();
}

/** Back to the provider, which redirects the browser on to the client (hijacked: the provider writes the answer). */
async function finish(provider: Provider, request: FastifyRequest, reply: FastifyReply, result: InteractionResults): Promise<FastifyReply> {
  const redirectTo = await provider.interactionResult(request.raw, reply.raw, result, { mergeWithLastSubmission: false });
  return reply.redirect(redirectTo, 303);
}
