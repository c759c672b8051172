import type { LoggedIn, OkbClaims } from "./okb-login.ts";
import type { SiteSession } from "./site-sessions.ts";

/** The example's pages: plain HTML, Japanese first and English second, every value escaped. */

function escape(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="ja">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escape(title)} — OKB トレード（例）</title>
<style>body{font-family:sans-serif;max-width:40rem;margin:1rem auto;padding:0 1rem;line-height:1.6}dt{font-weight:bold}dd{margin:0 0 .5rem;overflow-wrap:anywhere}button,input{font-size:1rem;min-height:44px}pre{white-space:pre-wrap;overflow-wrap:anywhere}</style></head>
<body><p><a href="/">OKB トレード（例） / Trading site example</a></p>
<main>${body}</main></body></html>`;
}

function logoutForm(): string {
  return `<form method="post" action="/logout"><button type="submit">ログアウト / Log out</button></form>`;
}

/** The ID token's claims, as okb-login sent them. */
function claimsList(claims: OkbClaims): string {
  const shown: [string, unknown][] = [
    ["sub", claims.sub],
    ["preferred_username", claims.preferred_username],
    ["name", claims.name],
    ["acr", claims.acr],
    ["amr", claims.amr?.join(" ")],
    ["auth_time", claims.auth_time === undefined ? undefined : `${claims.auth_time} (${new Date(claims.auth_time * 1000).toLocaleString("ja-JP", { timeZone: "Asia/Tokyo" })})`],
    ["sid", claims.sid],
  ];
  return `<dl>${shown.map(([name, value]) => `<dt>${name}</dt><dd data-claim="${name}">${escape(value ?? "")}</dd>`).join("")}</dl>`;
}

export function homePage(session: SiteSession | null): string {
  const customer = session?.customer ?? null;
  if (customer === null) {
    const ended =
      session?.endedBy === "okb-login"
        ? `<p id="logged-out" role="status">ログアウトしました（OKB証券のログインが終了したため）。 / You have been logged out: your OKB Securities login ended.</p>`
        : session?.endedBy === "logout"
          ? `<p id="logged-out" role="status">ログアウトしました。 / You have logged out.</p>`
          : "";
    return page("ログイン", `<h1>OKB トレード（例）</h1>${ended}<p><a href="/login">OKB証券のIDでログイン / Log in with OKB Securities</a></p>`);
  }
  return page(
    "ようこそ",
    `<h1>ようこそ、${escape(customer.claims.name ?? "")} 様</h1>
<p>OKB証券のIDトークンの内容 / The ID token's claims:</p>${claimsList(customer.claims)}
<p><a href="/withdrawal">出金 / Withdrawal</a></p>${logoutForm()}`,
  );
}

export function withdrawalPage(customer: LoggedIn): string {
  return page(
    "出金",
    `<h1>出金 / Withdrawal</h1>
<p id="step-up-done">パスキーで本人確認済み（${escape(customer.claims.acr)}）。 / Confirmed with a passkey.</p>
<form method="post" action="/withdrawal">
<label for="amount">金額（円） / Amount (yen)</label> <input id="amount" name="amount" inputmode="numeric" pattern="[0-9]{1,9}" required>
<button type="submit">出金を申し込む / Request the withdrawal</button></form>
${claimsList(customer.claims)}`,
  );
}

/** okb-login's answer to POST /api/v1/confirmations, as it came. */
export function confirmationPage(answer: { status: number; body: unknown }): string {
  const body = answer.body as { summary?: string; required?: string[]; error?: { code: string; message: string } };
  const lead =
    answer.status === 200
      ? `<p id="confirmation-summary">${escape(body.summary)}</p><p>確認に必要なもの / Required: <span id="confirmation-required">${escape(body.required?.join(" "))}</span></p>`
      : `<p id="confirmation-error" role="alert">[${escape(body.error?.code)}] ${escape(body.error?.message)}</p>`;
  return page("出金の確認", `<h1>出金の確認 / Confirm the withdrawal</h1>${lead}<p>okb-login の応答 / okb-login's answer (HTTP ${answer.status}):</p><pre>${escape(JSON.stringify(answer.body, null, 2))}</pre>`);
}

export function errorPage(message: string): string {
  return page("エラー", `<h1>ログインできませんでした / Could not log in</h1><p id="error" role="alert">${escape(message)}</p><p><a href="/">戻る / Back</a></p>`);
}
