import fastify from "fastify";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import fastifyCookie from "@fastify/cookie";
import fastifyFormbody from "@fastify/formbody";
import * as oidc from "openid-client";
import { passkeyIsFresh } from "./okb-login.ts";
import type { OkbLogin } from "./okb-login.ts";
import { confirmationPage, errorPage, homePage, withdrawalPage } from "./pages.ts";
import { SiteSessions } from "./site-sessions.ts";
import type { SiteSession } from "./site-sessions.ts";

export interface TradingSiteSettings {
  /** This site's address, as registered with okb-login (redirect URI, logout URIs). */
  publicUrl: URL;
  okbLogin: OkbLogin;
}

/**
 * The trading site (an example relying party of okb-login, issue 20 item 10): log in with okb-login,
 * show the ID token's claims, a withdrawal behind a passkey step-up that creates a confirmation with
 * the access token, and the site's session ended when okb-login says the customer's session ended.
 */
export async function buildTradingSite({ publicUrl, okbLogin }: TradingSiteSettings): Promise<FastifyInstance> {
  const app = fastify({ logger: false });
  await app.register(fastifyCookie);
  await app.register(fastifyFormbody);
  const sessions = new SiteSessions();
  // __Host-: this origin only, Secure; on http://localhost in development a plain name.
  const cookieName = publicUrl.protocol === "https:" ? "__Host-trade_session" : "trade_session";

  function sessionOf(request: FastifyRequest): SiteSession | null {
    return sessions.find(request.cookies[cookieName]);
  }
  function setSessionCookie(reply: FastifyReply, session: SiteSession): void {
    // SameSite=Lax: sent on okb-login's redirect back to /callback (a top-level GET), not on another site's POST.
    reply.setCookie(cookieName, session.id, { path: "/", httpOnly: true, secure: publicUrl.protocol === "https:", sameSite: "lax" });
  }
  /** Our forms are posted from our pages only: browsers send Origin with every POST. */
  function fromOurPage(request: FastifyRequest): boolean {
    return request.headers.origin === publicUrl.origin;
  }
  async function sendToOkbLogin(request: FastifyRequest, reply: FastifyReply, options: { stepUp: boolean; returnTo: string }): Promise<FastifyReply> {
    const session = sessionOf(request) ?? sessions.create();
    const { url, pending } = await okbLogin.startLogin(options);
    session.pending = pending;
    setSessionCookie(reply, session);
    return reply.redirect(url.href, 303);
  }

  app.get("/", async (request, reply) => reply.type("text/html").send(homePage(sessionOf(request))));

  app.get("/login", async (request, reply) => sendToOkbLogin(request, reply, { stepUp: false, returnTo: "/" }));

  app.get("/callback", async (request, reply) => {
    const session = sessionOf(request);
    const pending = session?.pending ?? null;
    if (session === null || pending === null) {
      return reply.code(400).type("text/html").send(errorPage("ログインの手続きが見つかりません。もう一度ログインしてください。 / No login in progress: please log in again."));
    }
    session.pending = null; // state, nonce and verifier are single use
    let loggedIn;
    try {
      loggedIn = await okbLogin.finishLogin(new URL(request.url, publicUrl), pending);
    } catch (error) {
      return reply.code(400).type("text/html").send(errorPage(loginFailure(error)));
    }
    if (session.customer !== null && session.customer.claims.sub !== loggedIn.claims.sub) {
      // Someone else logged in at okb-login during the step-up: not the customer of this session.
      session.customer = null;
      return reply.code(400).type("text/html").send(errorPage("別のお客様でログインされました。もう一度ログインしてください。 / Another customer logged in: please log in again."));
    }
    if (pending.stepUp && !passkeyIsFresh(loggedIn, Date.now())) {
      // acr_values is a request, not a promise (OpenID Connect Core §3.1.2.1): check what came back.
      return reply.code(403).type("text/html").send(errorPage("パスキーでの本人確認ができませんでした。 / The passkey check did not happen."));
    }
    const renewed = sessions.renew(session);
    renewed.customer = loggedIn;
    renewed.endedBy = null;
    setSessionCookie(reply, renewed);
    return reply.redirect(pending.returnTo, 303);
  });

  app.get("/withdrawal", async (request, reply) => {
    const customer = sessionOf(request)?.customer ?? null;
    if (customer === null) {
      return reply.redirect("/", 303);
    }
    if (!passkeyIsFresh(customer, Date.now())) {
      return sendToOkbLogin(request, reply, { stepUp: true, returnTo: "/withdrawal" });
    }
    return reply.type("text/html").send(withdrawalPage(customer));
  });

  app.post<{ Body: { amount?: string } }>("/withdrawal", async (request, reply) => {
    const customer = sessionOf(request)?.customer ?? null;
    const amount = String(request.body?.amount ?? "");
    if (!fromOurPage(request) || customer === null || !passkeyIsFresh(customer, Date.now())) {
      return reply.redirect("/withdrawal", 303);
    }
    if (!/^[1-9][0-9]{0,8}$/.test(amount)) {
      return reply.code(400).type("text/html").send(errorPage("金額を半角数字で入力してください。 / Enter the amount in digits."));
    }
    const answer = await okbLogin.createConfirmation(customer.accessToken, { type: "withdrawal", details: { amount: Number(amount) } });
    return reply.type("text/html").send(confirmationPage(answer));
  });

  // RP-initiated logout: our session ends here, okb-login's after the customer confirms there.
  app.post("/logout", async (request, reply) => {
    const session = sessionOf(request);
    const idToken = session?.customer?.idToken;
    if (!fromOurPage(request) || session === null || idToken === undefined) {
      return reply.redirect("/", 303);
    }
    session.customer = null;
    session.endedBy = "logout";
    return reply.redirect(okbLogin.endSessionUrl(idToken, new URL("/", publicUrl).href).href, 303);
  });

  // Back-channel logout (OIDC Back-Channel Logout 1.0): okb-login's server calls this when a session ends.
  app.post<{ Body: { logout_token?: string } }>("/backchannel-logout", async (request, reply) => {
    reply.header("cache-control", "no-store");
    try {
      const notice = await okbLogin.verifyLogoutToken(String(request.body?.logout_token ?? ""));
      sessions.endByOkbSession(notice.sub, notice.sid);
      return reply.code(200).send();
    } catch {
      return reply.code(400).send({ error: "invalid_request", error_description: "the logout token is not valid" });
    }
  });

  return app;
}

/** What went wrong at okb-login, in words for the customer. */
function loginFailure(error: unknown): string {
  if (error instanceof oidc.AuthorizationResponseError) {
    if (error.error === "unmet_authentication_requirements") {
      return "出金にはパスキーが必要です。OKB証券のマイページ「パスキー」で登録してください。 / A withdrawal needs a passkey: register one on OKB Securities' Passkeys page.";
    }
    if (error.error === "access_denied") {
      return "OKB証券での本人確認が中止されました。 / The login at OKB Securities was cancelled.";
    }
    return `OKB証券からエラーが返されました（${error.error}）。 / OKB Securities answered with an error (${error.error}).`;
  }
  return "ログインを完了できませんでした。もう一度お試しください。 / The login could not be completed: please try again.";
}
