import type { AdapterPayload } from "oidc-provider";
import type { OidcClient } from "../../core/oidc/ports-oidc.ts";

/**
 * A registered client as oidc-provider's Client model takes it. Confidential clients authenticate
 * with their secret (HTTP Basic, or in the form: src/web/oidc/secret-in-form.ts moves a form's
 * secret into the header, so both work); `client_secret` holds its SHA-256 only, which the provider
 * compares with the hash of what is presented (provider-setup.ts). Public clients (the app) use
 * PKCE alone. Every client gets `auth_time` in its ID tokens, and `sid` in them and in its
 * back-channel logout tokens.
 */
export function clientMetadata(client: OidcClient): AdapterPayload {
  return {
    client_id: client.clientId,
    client_name: client.name,
    ...(client.secretHash === null
      ? { token_endpoint_auth_method: "none", application_type: "native" }
      : { client_secret: client.secretHash, token_endpoint_auth_method: "client_secret_basic", application_type: "web" }),
    redirect_uris: client.redirectUris,
    post_logout_redirect_uris: client.postLogoutRedirectUris,
    ...(client.backchannelLogoutUri === null ? {} : { backchannel_logout_uri: client.backchannelLogoutUri, backchannel_logout_session_required: true }),
    grant_types: ["authorization_code", "refresh_token"],
    response_types: ["code"],
    id_token_signed_response_alg: "ES256",
    require_auth_time: true,
  };
}
