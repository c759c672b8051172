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
