import type { AuditTrailEntry, CodeMailFact, CustomerFacts } from "../../../core/console/customer-lookup.ts";
import type { SecurityRequestItem } from "../../../core/console/security-requests/security-request-item.ts";
import type { Lang } from "../../kernel/i18n.ts";
import { formatJapanTime } from "../../../core/kernel/japan-time.ts";
import { t } from "../../kernel/i18n.ts";
import { consoleText } from "../i18n-console.ts";
import { auditEventLabel } from "../audit/audit-event-labels.ts";
import { METHOD_TEXT, OUTCOME_TEXT } from "../../account/history-sessions-pages.ts";

/** A status as the views show it: a word, and a colour that only repeats the word (views/console-status.eta). */
export interface StatusView {
  kind: "ok" | "warn" | "bad" | "none";
  text: string;
}

/** One audit event as a table row: when, what (in words and by name), outcome, who, why and the rest. */
export interface AuditRowView {
  at: string;
  label: string;
  event: string;
  outcome: StatusView;
  actor: string;
  reason: string | null;
  detail: string;
}

/** A code mail's delivery as the operator reads it out (seed Q3): the state in words and the facts behind it. */
export interface CodeMailView {
  queuedAt: string;
  status: StatusView;
  lines: string[];
  attempts: string;
}

const MAIL_STATUS: Record<CodeMailFact["state"], { kind: StatusView["kind"]; key: "mailQueued" | "mailSent" | "mailRetrying" | "mailStuck" | "mailBounced" | "mailDelayed" }> = {
  queued: { kind: "warn", key: "mailQueued" },
  sent: { kind: "ok", key: "mailSent" },
  retrying: { kind: "warn", key: "mailRetrying" },
  stuck: { kind: "bad", key: "mailStuck" },
  bounced: { kind: "bad", key: "mailBounced" },
  delayed: { kind: "warn", key: "mailDelayed" },
};

const BOUNCE_REASON_KEY = {
  mailbox_full: "bounceMailboxFull",
  no_such_user: "bounceNoSuchUser",
  refused: "bounceRefused",
  delayed: "bounceDelayed",
  other: "bounceOther",
} as const;

// Shown beside the event already (the actor column).
const DETAIL_SHOWN_ELSEWHERE = new Set(["operatorLoginId"]);

/** Everything the customer page shows, in the reader's language, times in JST. */
/** An open security request as the customer page lists it: what, its state in words, and its ID for the cancel form. */
export interface OpenRequestView {
  id: string;
  kind: SecurityRequestItem["kind"];
  text: string;
  state: string;
}

/** The open request in words: 「重要メールの変更（t***@example.jp へ）」, 「反映待ち（…に反映）」. */
export function openRequestView(item: SecurityRequestItem, lang: Lang): OpenRequestView {
  const text = consoleText(lang, `kind_${item.kind}`, { email: item.newEmail ?? "" });
  const state =
    item.state === "approved" && item.effectiveAt !== null
      ? consoleText(lang, "stateApprovedText", { time: formatJapanTime(item.effectiveAt) })
      : consoleText(lang, "statePendingText", { time: formatJapanTime(item.createdAt), operator: item.requestedBy });
  return { id: item.id, kind: item.kind, text, state };
}

export function customerPageView(facts: CustomerFacts, open: SecurityRequestItem[], lang: Lang): Record<string, unknown> {
  const ct = (key: Parameters<typeof consoleText>[1], values?: Record<string, string>): string => consoleText(lang, key, values);
  return {
    loginId: facts.loginId,
    name: facts.name,
    maskedEmail: facts.maskedEmail,
    emailUndeliverable: facts.emailUndeliverable,
    // Never the date itself (issue 17 item 2): 「生年月日の確認」 checks what the caller says.
    birthDateOnRecord: facts.birthDateOnRecord,
    birthDate: ct(facts.birthDateOnRecord ? "birthDateOnRecord" : "birthDateNotOnRecord"),
    mfaEnabled: facts.mfaEnabled,
    locked: facts.locked,
    frozen: facts.frozen,
    mfa: facts.mfaEnabled ? { kind: "ok", text: ct("mfaOn") } : { kind: "warn", text: ct("mfaOff") },
    lock: facts.lockedAt === null ? { kind: "none", text: ct("lockedNo") } : { kind: "bad", text: ct("lockedSince", { time: formatJapanTime(facts.lockedAt) }) },
    freeze: facts.frozenAt === null ? { kind: "none", text: ct("frozenNo") } : { kind: "bad", text: ct("frozenSince", { time: formatJapanTime(facts.frozenAt) }) },
    tradingPinLocked: facts.tradingPin.locked,
    tradingPin: tradingPinView(facts.tradingPin, lang),
    openRequests: open.map((item) => openRequestView(item, lang)),
    // The MFA card's line while an MFA-off request is open (issue 12's 「承認待ち」, now also 「反映待ち」).
    pending: mfaPendingLine(open, lang),
    emailChangeOpen: open.some((item) => item.kind === "email_change"),
    passkeyRequiredOffOpen: open.some((item) => item.kind === "passkey_required_off"),
    loginHistory: facts.loginHistory.map((item) => ({
      at: formatJapanTime(item.at),
      outcome: { kind: item.outcome === "success" ? "ok" : "bad", text: t(lang, OUTCOME_TEXT[item.outcome]) },
      method: t(lang, METHOD_TEXT[item.method]),
      ip: item.ip,
      device: item.device,
      services: item.services.map((service) => service.clientName).join(lang === "ja" ? "、" : ", "),
    })),
    connectedServices: facts.connectedServices.map((service) => ({
      clientId: service.clientId,
      name: service.clientName,
      since: formatJapanTime(service.since),
      lastUsedAt: formatJapanTime(service.lastUsedAt),
    })),
    sessions: facts.sessions.map((session) => ({ createdAt: formatJapanTime(session.createdAt), lastSeenAt: formatJapanTime(session.lastSeenAt), ip: session.ip, device: session.device })),
    passkeyRequired: facts.passkeyRequired,
    passkeyRequiredStatus: facts.passkeyRequired ? { kind: "warn", text: ct("passkeyRequiredOn") } : { kind: "none", text: ct("passkeyRequiredOffStatus") },
    passkeys: facts.passkeys.map((passkey) => ({
      name: passkey.name,
      createdAt: formatJapanTime(passkey.createdAt),
      lastUsedAt: passkey.lastUsedAt === null ? ct("passkeyNeverUsed") : formatJapanTime(passkey.lastUsedAt),
      backedUp: ct(passkey.backedUp ? "passkeyBackedUp" : "passkeyNotBackedUp"),
    })),
    codeMails: facts.codeMails.map((mail) => codeMailView(mail, lang)),
    auditTrail: facts.auditTrail.map((entry) => auditRowView(entry, lang)),
  };
}

function mfaPendingLine(open: SecurityRequestItem[], lang: Lang): string | null {
  const mfa = open.find((item) => item.kind === "mfa_off");
  return mfa === undefined ? null : openRequestView(mfa, lang).state;
}

/** The trading PIN's state: not registered, registered, or locked since when (issue 13 §4). */
function tradingPinView(pin: CustomerFacts["tradingPin"], lang: Lang): StatusView {
  if (!pin.set) {
    return { kind: "none", text: consoleText(lang, "tradingPinNotSet") };
  }
  return pin.lockedAt === null ? { kind: "ok", text: consoleText(lang, "tradingPinSet") } : { kind: "bad", text: consoleText(lang, "tradingPinLockedSince", { time: formatJapanTime(pin.lockedAt) }) };
}

function codeMailView(mail: CodeMailFact, lang: Lang): CodeMailView {
  const status = MAIL_STATUS[mail.state];
  const lines: string[] = [];
  if (mail.sentAt !== null) {
    lines.push(consoleText(lang, "mailHandedAt", { time: relayTime(mail.queuedAt, mail.sentAt) }));
  }
  if (mail.smtpResponse !== null) {
    lines.push(consoleText(lang, "relayResponse", { response: mail.smtpResponse }));
  }
  if (mail.bounceText !== null) {
    lines.push(consoleText(lang, "bounceText", { text: mail.bounceText }));
  }
  if (mail.state !== "sent" && mail.lastError !== null) {
    lines.push(consoleText(lang, "lastError", { error: mail.lastError }));
  }
  const reason = mail.bounceReason === null ? "" : consoleText(lang, BOUNCE_REASON_KEY[mail.bounceReason]);
  return { queuedAt: formatJapanTime(mail.queuedAt), status: { kind: status.kind, text: consoleText(lang, status.key, { reason }) }, lines, attempts: String(mail.attempts) };
}

/** HH:MM:SS when the relay took the mail the day it was queued (nearly always), else the date too. */
function relayTime(queuedAt: number, sentAt: number): string {
  const [queuedDay] = formatJapanTime(queuedAt).split(" ");
  const [sentDay, sentTime] = formatJapanTime(sentAt).split(" ");
  return sentDay === queuedDay && sentTime !== undefined ? sentTime : formatJapanTime(sentAt);
}

/** An audit event as a row; `actor` already is an operator's login ID where an operator acted. */
export function auditRowView(entry: Pick<AuditTrailEntry, "at" | "event" | "outcome" | "actor" | "detail">, lang: Lang): AuditRowView {
  // A person's reason (an operator's action: operator-action.ts; the CLI's `--reason`) gets a line of
  // its own; elsewhere "reason" is the system's word for why ("wrong_totp", "logout") and stays a detail.
  const written = typeof entry.detail["operatorLoginId"] === "string" || entry.actor.startsWith("cli:");
  const reason = written ? entry.detail["reason"] : undefined;
  const rest = Object.entries(entry.detail)
    .filter(([key, value]) => !DETAIL_SHOWN_ELSEWHERE.has(key) && !(written && key === "reason") && value !== null)
    // Times in the detail are epoch ms ("lockedAt"): written in JST like every other time on the page.
    .map(([key, value]) => `${key}: ${key.endsWith("At") && typeof value === "number" ? formatJapanTime(value) : String(value)}`);
  return {
    at: formatJapanTime(entry.at),
    label: auditEventLabel(entry.event, lang),
    event: entry.event,
    outcome: outcomeView(entry.outcome, lang),
    actor: entry.actor,
    reason: typeof reason === "string" ? reason : null,
    detail: rest.join(" / "),
  };
}

function outcomeView(outcome: string, lang: Lang): StatusView {
  if (outcome === "ok") {
    return { kind: "ok", text: consoleText(lang, "outcomeOk") };
  }
  if (outcome === "refused") {
    return { kind: "bad", text: consoleText(lang, "outcomeRefused") };
  }
  return { kind: "none", text: consoleText(lang, "outcomeInfo") };
}
