import type { Clock } from "../kernel/ports.ts";
import type { AccountActivityStore } from "../kernel/ports-audit.ts";
import type { StoredAuditEvent, WrongPasswords } from "../kernel/ports-audit.ts";
import type { AuditEventName } from "../kernel/ports-audit.ts";
import { formatAuditCursor, parseAuditCursor } from "../kernel/audit-cursor.ts";
import { describeDevice } from "../kernel/device-label.ts";
import { InvalidInputError } from "../kernel/errors.ts";
import { LOGIN_HISTORY_DAYS, MAX_LOGIN_HISTORY_PAGE } from "../kernel/limits.ts";

/** What happened to one attempt, as ログイン履歴 shows it. */
export type LoginOutcome =
  | "success"
  | "wrong_password"
  | "wrong_code"
  | "code_expired"
  | "code_burned"
  | "locked"
  | "refused_locked"
  | "refused_frozen"
  | "refused_passkey_required"
  | "passkey_refused"
  | "rate_limited";

/** How the customer logged in, or at which step the attempt stopped. */
export type LoginMethod = "password_and_code" | "password_only" | "password" | "code" | "passkey";

/** A relying party a login was given to (issue 20 item 8), named as it was registered then. */
export interface LoginService {
  clientId: string;
  clientName: string;
}

export interface LoginHistoryItem {
  at: number;
  ip: string;
  device: string;
  method: LoginMethod;
  outcome: LoginOutcome;
  /** The services this login was given to (the trading site, the app), in the order they received it; empty for most. */
  services: LoginService[];
}

export interface LoginHistoryPage {
  items: LoginHistoryItem[];
  /** Pass as `before` for the next (older) page; null on the last page. */
  next: string | null;
}

// The events one attempt can leave, and what each says. An attempt (one request) may leave
// several (a wrong password that locks: password.failed and account.locked); the most telling wins.
const OUTCOME_BY_EVENT: Partial<Record<AuditEventName, LoginOutcome>> = {
  "session.created": "success",
  "password.failed": "wrong_password",
  "code.failed": "wrong_code",
  "code.expired": "code_expired",
  "code.burned": "code_burned",
  "account.locked": "locked",
  "login.refused_locked": "refused_locked",
  "login.refused_frozen": "refused_frozen",
  "login.refused_passkey_required": "refused_passkey_required",
  "passkey.failed": "passkey_refused",
  rate_limited: "rate_limited",
};
const KINDS = Object.keys(OUTCOME_BY_EVENT) as AuditEventName[];
const PRECEDENCE: LoginOutcome[] = [
  "locked",
  "code_burned",
  "refused_frozen",
  "refused_locked",
  "refused_passkey_required",
  "rate_limited",
  "passkey_refused",
  "code_expired",
  "wrong_code",
  "wrong_password",
  "success",
];
const CODE_STEP_EVENTS = new Set<AuditEventName>(["code.failed", "code.expired", "code.burned"]);

// The services a page's logins were given to are read in pages of this size, at most this many pages:
// a client asks for a login once per its own session, so a page of logins has a few of them, not thousands.
const CONNECTED_FETCH = 200;
const CONNECTED_MAX_PAGES = 10;

/**
 * ログイン履歴 (seed Q9, DESIGN §4): the last 90 days of the customer's logins and failed
 * attempts, newest first, one line per attempt. Read from the audit log, so it shows exactly
 * what was recorded; attempts on unknown IDs belong to nobody and never appear.
 */
export class LoginHistory {
  private readonly deps: { activity: AccountActivityStore; clock: Clock };

  constructor(deps: LoginHistory["deps"]) {
    this.deps = deps;
  }

  async page(customerId: string, query: { before?: string; limit?: number }): Promise<LoginHistoryPage> {
    const limit = query.limit ?? 20;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LOGIN_HISTORY_PAGE) {
      throw new InvalidInputError(`history page size ${limit}`);
    }
    const before = query.before === undefined || query.before === "" ? null : parseAuditCursor(query.before);
    // A few events per attempt at most: fetch enough for `limit` attempts and one to spare.
    const fetch = limit * 4 + 4;
    const since = this.deps.clock.now() - LOGIN_HISTORY_DAYS * 24 * 60 * 60 * 1000;
    const events = await this.deps.activity.recentEvents(customerId, { kinds: KINDS, since, before, limit: fetch });
    const attempts = groupByRequest(events.filter(isLoginEvent));
    // A full fetch may have cut the oldest attempt in two: leave it for the next page.
    const complete = events.length === fetch ? attempts.slice(0, -1) : attempts;
    const shown = complete.slice(0, limit);
    const more = complete.length > limit || events.length === fetch;
    const oldest = shown.at(-1)?.at(-1);
    const items = shown.map(describeAttempt);
    const services = oldest === undefined ? new Map<string, LoginService[]>() : await this.servicesBySession(customerId, oldest.at);
    return {
      items: items.map((item, index) => ({ ...item, services: services.get(sessionIdOf(shown[index] ?? [])) ?? [] })),
      next: more && oldest !== undefined ? formatAuditCursor({ at: oldest.at, id: oldest.id }) : null,
    };
  }

  /**
   * The services given a login since `since`, by the login's session (`oidc.connected`, written each
   * time a client received an authorization code through it: core/oidc/connected-services.ts), each
   * client once, in the order it first received the login.
   */
  private async servicesBySession(customerId: string, since: number): Promise<Map<string, LoginService[]>> {
    const bySession = new Map<string, LoginService[]>();
    let before: { at: number; id: string } | null = null;
    for (let page = 0; page < CONNECTED_MAX_PAGES; page += 1) {
      const events = await this.deps.activity.recentEvents(customerId, { kinds: ["oidc.connected"], since, before, limit: CONNECTED_FETCH });
      // Newest first: walked oldest first, so each session's services keep the order they came in.
      for (const event of [...events].reverse()) {
        const sessionId = event.detail["sessionId"];
        const clientId = event.detail["clientId"];
        if (typeof sessionId !== "string" || typeof clientId !== "string") {
          continue;
        }
        const services = bySession.get(sessionId) ?? [];
        const clientName = event.detail["clientName"];
        if (!services.some((service) => service.clientId === clientId)) {
          services.push({ clientId, clientName: typeof clientName === "string" ? clientName : clientId });
        }
        bySession.set(sessionId, services);
      }
      const last = events.at(-1);
      if (events.length < CONNECTED_FETCH || last === undefined) {
        break;
      }
      before = { at: last.at, id: last.id };
    }
    return bySession;
  }

  /**
   * マイページ (issue 21 item 5): the wrong passwords since the previous login (`previousLoginAt`;
   * null at a first login: all of them), at login or on a page that asks for the password.
   */
  wrongPasswordsSince(customerId: string, previousLoginAt: number | null): Promise<WrongPasswords> {
    return this.deps.activity.wrongPasswordsAfter(customerId, previousLoginAt ?? 0);
  }
}

/** A refused passkey belongs to the history only at login (not at a registration, パスキー必須 or a confirmation). */
function isLoginEvent(event: StoredAuditEvent): boolean {
  return event.event !== "passkey.failed" || event.detail["ceremony"] === "login";
}

/** The events of one request form one attempt; attempts keep the order of their newest event. */
function groupByRequest(events: StoredAuditEvent[]): StoredAuditEvent[][] {
  const groups = new Map<string, StoredAuditEvent[]>();
  for (const event of events) {
    const group = groups.get(event.requestId);
    if (group === undefined) {
      groups.set(event.requestId, [event]);
    } else {
      group.push(event);
    }
  }
  return [...groups.values()];
}

function describeAttempt(events: StoredAuditEvent[]): Omit<LoginHistoryItem, "services"> {
  const outcomes = new Set(events.map((event) => OUTCOME_BY_EVENT[event.event]));
  const outcome = PRECEDENCE.find((candidate) => outcomes.has(candidate)) ?? "success";
  const first = events[0] as StoredAuditEvent;
  return { at: first.at, ip: first.ip, device: describeDevice(first.userAgent), method: methodOf(events, outcome), outcome };
}

/** The public ID of the session a successful attempt created (session.ts recordStart); "" for a failed one or an older login. */
function sessionIdOf(events: StoredAuditEvent[]): string {
  const sessionId = events.find((event) => event.event === "session.created")?.detail["sessionId"];
  return typeof sessionId === "string" ? sessionId : "";
}

function methodOf(events: StoredAuditEvent[], outcome: LoginOutcome): LoginMethod {
  if (outcome === "success") {
    const methods = String(events.find((event) => event.event === "session.created")?.detail["authMethods"] ?? "").split(" ");
    if (methods.includes("hwk")) {
      return "passkey";
    }
    return methods.includes("otp") ? "password_and_code" : "password_only";
  }
  if (events.some((event) => event.event === "passkey.failed" || event.detail["step"] === "passkey" || String(event.detail["limit"] ?? "").startsWith("passkey"))) {
    return "passkey";
  }
  const atCodeStep = events.some((event) => CODE_STEP_EVENTS.has(event.event) || event.detail["step"] === "code" || String(event.detail["limit"] ?? "").startsWith("code"));
  return atCodeStep ? "code" : "password";
}
