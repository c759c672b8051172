// The example trading site (README.md here):
//   OKB_ISSUER=http://localhost:3000 CLIENT_ID=trade-example CLIENT_SECRET=… PUBLIC_URL=http://127.0.0.1:4000 PORT=4000 \
//     bash scripts/node.sh examples/trading-site/server.ts
import { connectToOkbLogin } from "./okb-login.ts";
import { buildTradingSite } from "./trading-site.ts";

function required(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === "") {
    console.error(`examples/trading-site: set ${name} (see examples/trading-site/README.md)`);
    process.exit(1);
  }
  return value;
}

const issuer = new URL(required("OKB_ISSUER"));
const publicUrl = new URL(required("PUBLIC_URL"));
const port = Number(process.env["PORT"] || publicUrl.port || 4000);

const okbLogin = await connectToOkbLogin({
  issuer,
  // okb-login's PUBLIC_URL when its issuer is set apart (OIDC_ISSUER); usually the same.
  okbUrl: new URL(process.env["OKB_URL"] ?? issuer.href),
  clientId: required("CLIENT_ID"),
  clientSecret: required("CLIENT_SECRET"),
  redirectUri: new URL("/callback", publicUrl).href,
});
const app = await buildTradingSite({ publicUrl, okbLogin });
await app.listen({ host: process.env["HOST"] ?? "127.0.0.1", port });
console.log(`trading site example at ${publicUrl.origin}/ (okb-login: ${issuer.href})`);

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    void app.close().then(() => process.exit(0));
  });
}
