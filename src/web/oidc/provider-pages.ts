import type { ErrorOut, KoaContextWithOIDC } from "oidc-provider";
import type { Brand } from "../../core/kernel/brand.ts";
import { renderHtml } from "../kernel/render.ts";
import { langOf } from "./live-login.ts";
import type { ProviderDeps } from "./provider-setup.ts";

// The OAuth error words we show as they are (a trading site's staff can look them up); anything else is "server_error".
const KNOWN_ERROR = /^[a-z_]{3,40}$/u;

/**
 * The pages oidc-provider writes itself, in our look and language: the logout confirmation (its
 * form, our buttons), the page after a logout with no way back to the client, and its errors
 * (a request we refuse before we know where to send the browser back: an unknown client, a
 * redirect_uri not registered). Never the error's description, which may echo the request.
 */
export function providerPages(brand: Brand): ProviderDeps["pages"] {
  const html = (ctx: KoaContextWithOIDC, name: string, data: Record<string, unknown>): void => {
    ctx.type = "html";
    ctx.body = renderHtml(name, { lang: langOf(ctx), brand }, data);
  };
  return {
    logout: async (ctx, form) => {
      allowFormToLeadTo(ctx, ctx.oidc.params?.["post_logout_redirect_uri"]);
      html(ctx, "oidc-logout", { providerForm: form });
    },
    loggedOut: async (ctx) => {
      html(ctx, "oidc-logged-out", { clientName: ctx.oidc.client?.clientName ?? null });
    },
    error: async (ctx, out: ErrorOut) => {
      html(ctx, "oidc-error", { gone: false, errorName: KNOWN_ERROR.test(out.error) ? out.error : "server_error" });
    },
  };
}

/**
 * The logout form's POST is answered with a redirect to the client's post_logout_redirect_uri, which
 * Chromium holds to this page's CSP `form-action` (a redirect after a form's POST counts): 'self'
 * alone blocked it. The URI's origin is added on this page only; the provider has checked the URI
 * against the client's registered ones before it asks for this page.
 */
function allowFormToLeadTo(ctx: KoaContextWithOIDC, postLogoutRedirectUri: unknown): void {
  const policy = ctx.response.get("content-security-policy");
  if (typeof postLogoutRedirectUri !== "string" || typeof policy !== "string" || !policy.includes("form-action 'self'")) {
    return;
  }
  const { origin } = new URL(postLogoutRedirectUri);
  if (origin === "null") {
    return;
  }
  ctx.set("content-security-policy", policy.replace("form-action 'self'", `form-action 'self' ${origin}`));
}
