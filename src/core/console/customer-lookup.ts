import type { BounceReason } from "../mail/bounce.ts";
import type { Clock, Customer, CustomerStore } from "../kernel/ports.ts";
import type { AuditLog } from "../kernel/ports-audit.ts";
import type { AuditQuery, CustomerDirectory, MailDeliveryLog } from "./ports-console-read.ts";
import type { PasskeyStore } from "../passkeys/ports-passkey.ts";
import type { TradingPinStore } from "../trading-pin/ports-trading-pin.ts";
import type { LoginHistory, LoginHistoryItem } from "../account/login-history.ts";
import type { SessionService } from "../login/session.ts";
import type { ConnectedService, OidcConnectionStore } from "../oidc/ports-oidc.ts";
import type { MailDeliveryState, StuckMailRule } from "./mail-delivery-state.ts";
import type { OperatorRequest } from "./operator-request.ts";
import { mailDeliveryState } from "./mail-delivery-state.ts";
import { auditedActor, auditOperatorRead } from "./operator-request.ts";
import { normalizeLoginId } from "../kernel/credentials.ts";
import { maskEmail } from "../kernel/email-address.ts";
import { foldName } from "./name-fold.ts";
import { describeDevice } from "../kernel/device-label.ts";
import { InvalidInputError, NotFoundError } from "../kernel/errors.ts";

/** A search query's length in characters (issue 12 §7). */
export const CONSOLE_SEARCH_MAX_QUERY = 100;
/** At most this many search results: more means the operator should type more. */
export const CONSOLE_SEARCH_MAX_RESULTS = 50;
// What the customer page shows: enough to answer a phone call; the audit view has the rest.
const CONSOLE_LOGIN_HISTORY_ROWS = 20;
const CONSOLE_CODE_MAILS_SHOWN = 10;
const CONSOLE_AUDIT_TRAIL_ROWS = 50;

/** One line of the console's search results: never the full address (issue 12 §3). */
export interface CustomerSummary {
  loginId: string;
  name: string;
  maskedEmail: string;
  mfaEnabled: boolean;
  locked: boolean;
  frozen: boolean;
  /** Issue 22 §1: the last two mails to the 重要メール came back (hard bounces): mail does not reach the customer. */
  emailUndeliverable: boolean;
}

/** A code mail and its delivery (seed Q3: "the code does not arrive"). Times are epoch ms. */
export interface CodeMailFact {
  queuedAt: number;
  state: MailDeliveryState;
  sentAt: number | null;
  smtpResponse: string | null;
  attempts: number;
  lastError: string | null;
  /** Why it came back (state bounced or delayed); null otherwise. */
  bounceReason: BounceReason | null;
  /** What the receiving side said (status code and its text), for the agent; never shown to the customer or mailed. */
  bounceText: string | null;
}

/** A live session: where and since when; never its token or hash. */
export interface SessionFact {
  createdAt: number;
  lastSeenAt: number;
  ip: string;
  device: string;
}

/** The trading PIN as the call center sees it: a lock is lifted with the trading-pin-unlock action. */
export interface TradingPinFact {
  set: boolean;
  locked: boolean;
  lockedAt: number | null;
}

/** One line of the customer's audit trail; `actor` is an operator's login ID where an operator acted. */
export interface AuditTrailEntry {
  at: number;
  event: string;
  outcome: string;
  actor: string;
  detail: Record<string, string | number | boolean | null>;
}

/** A passkey as the call center sees it (issue 13 §3). Times are epoch ms. */
export interface PasskeyFact {
  name: string;
  createdAt: number;
  lastUsedAt: number | null;
  backedUp: boolean;
}

/** The customer page's facts (issue 12 §3). Times are epoch ms; the web layer shows them in JST. */
export interface CustomerFacts extends CustomerSummary {
  /**
   * Whether a date of birth is on record; never the date itself (issue 17 item 2: the console
   * only checks what the caller says, BirthDateCheck).
   */
  birthDateOnRecord: boolean;
  lockedAt: number | null;
  failedCount: number;
  frozenAt: number | null;
  /** The customer's own ログイン履歴, newest first, the same outcomes as the customer sees. */
  loginHistory: LoginHistoryItem[];
  sessions: SessionFact[];
  /** The customer's passkeys (issue 13), oldest first: the customer's name for each, never the key or credential ID. */
  passkeys: PasskeyFact[];
  /** パスキー必須: the password step answers [5104]; the call center can turn it off (a lost phone). */
  passkeyRequired: boolean;
  /** The trading PIN (取引暗証番号, issue 13 §4): whether one is set and locked; never the PIN or its hash. */
  tradingPin: TradingPinFact;
  /** 「連携中のサービス」 (issue 20 item 8): one line per client, the most recently used first; an operator can end one. */
  connectedServices: ConnectedService[];
  /** The last code mails, newest first. */
  codeMails: CodeMailFact[];
  /** The customer's last audit events, newest first. */
  auditTrail: AuditTrailEntry[];
}

/**
 * The call center finds a customer and reads their security facts (issue 12 §3). Reading a
 * customer's page is itself audited (`console.customer_viewed`): who looked at whom.
 */
export class CustomerLookup {
  private readonly deps: {
    customers: CustomerStore;
    directory: CustomerDirectory;
    mails: MailDeliveryLog;
    auditQuery: AuditQuery;
    audit: AuditLog;
    tradingPins: Pick<TradingPinStore, "find">;
    passkeys: Pick<PasskeyStore, "listForCustomer" | "isRequired">;
    sessions: Pick<SessionService, "liveSessionsOf">;
    connections: Pick<OidcConnectionStore, "listServices">;
    loginHistory: LoginHistory;
    clock: Clock;
    stuckMail: StuckMailRule;
  };

  constructor(deps: CustomerLookup["deps"]) {
    this.deps = deps;
  }

  /**
   * Customers matching `q` (1–100 characters, else [4000]), at most 50: with an "@", the
   * 重要メール exactly (case-insensitive); otherwise the login ID (normalised as at login) exactly
   * or as a prefix, then names containing `q` folded (NFKC, katakana as hiragana, no spaces).
   */
  async search(q: string, request: OperatorRequest): Promise<CustomerSummary[]> {
    const query = q.normalize("NFKC").trim();
    const length = [...query].length;
    if (length < 1 || length > CONSOLE_SEARCH_MAX_QUERY) {
      throw new InvalidInputError(`search query of ${length} characters`);
    }
    const { customers, directory } = this.deps;
    if (query.includes("@")) {
      const found = await customers.findByEmail(query, CONSOLE_SEARCH_MAX_RESULTS);
      // Never the address in clear in the log (issue 17 item 9): masked as the console shows it; the customer it found names it.
      await this.auditSearch(request, { kind: "email", query: maskEmail(query) }, found);
      return this.summaries(found);
    }
    const byLoginId = await directory.findByLoginIdPrefix(normalizeLoginId(query), CONSOLE_SEARCH_MAX_RESULTS);
    const fold = foldName(query);
    const byName = fold === "" ? [] : await directory.findByNameFold(fold, CONSOLE_SEARCH_MAX_RESULTS);
    const seen = new Set<string>();
    const found: Customer[] = [];
    for (const customer of [...byLoginId, ...byName]) {
      if (!seen.has(customer.id) && found.length < CONSOLE_SEARCH_MAX_RESULTS) {
        seen.add(customer.id);
        found.push(customer);
      }
    }
    await this.auditSearch(request, { kind: "login_id_or_name", query }, found);
    return this.summaries(found);
  }

  private async summaries(found: Customer[]): Promise<CustomerSummary[]> {
    return Promise.all(found.map(async (customer) => summarize(customer, await this.deps.mails.hardBouncedTwice(customer.id, customer.email))));
  }

  /** Who searched for what (`console.customers_searched`); a search that found one customer is in that customer's trail. */
  private async auditSearch(request: OperatorRequest, searched: { kind: "email" | "login_id_or_name"; query: string }, found: Customer[]): Promise<void> {
    const only = found.length === 1 ? found[0] : undefined;
    await auditOperatorRead(this.deps.audit, request, {
      event: "console.customers_searched",
      customerId: only?.id ?? null,
      detail: { kind: searched.kind, query: searched.query, results: found.length },
    });
  }

  /** The customer page's facts by login ID ([4040] when none), audited as viewed by the operator. */
  async facts(loginId: string, request: OperatorRequest): Promise<CustomerFacts> {
    const { customers, mails, auditQuery, sessions, loginHistory, clock, stuckMail } = this.deps;
    const customer = await customers.findByLoginId(normalizeLoginId(loginId));
    if (customer === null) {
      throw new NotFoundError(`no customer with login ID ${JSON.stringify(loginId.slice(0, 80))}`, { what: "customer" });
    }
    const [history, live, codeMails, trail, pin, passkeys, passkeyRequired, connectedServices, emailUndeliverable] = await Promise.all([
      loginHistory.page(customer.id, { limit: CONSOLE_LOGIN_HISTORY_ROWS }),
      sessions.liveSessionsOf(customer.id),
      mails.recentForCustomer(customer.id, "code", CONSOLE_CODE_MAILS_SHOWN),
      auditQuery.find({ customerId: customer.id }, null, CONSOLE_AUDIT_TRAIL_ROWS),
      this.deps.tradingPins.find(customer.id),
      this.deps.passkeys.listForCustomer(customer.id),
      this.deps.passkeys.isRequired(customer.id),
      this.deps.connections.listServices(customer.id),
      mails.hardBouncedTwice(customer.id, customer.email),
    ]);
    // Recorded before answering: a page that was shown is a page that was logged.
    await auditOperatorRead(this.deps.audit, request, { event: "console.customer_viewed", customerId: customer.id });
    const now = clock.now();
    return {
      ...summarize(customer, emailUndeliverable),
      birthDateOnRecord: customer.birthDate !== null,
      lockedAt: customer.lockedAt,
      failedCount: customer.failedCount,
      frozenAt: customer.frozenAt,
      loginHistory: history.items,
      sessions: live.map((session) => ({ createdAt: session.createdAt, lastSeenAt: session.lastSeenAt, ip: session.ip, device: describeDevice(session.userAgent) })),
      passkeys: passkeys.map((passkey) => ({ name: passkey.name, createdAt: passkey.createdAt, lastUsedAt: passkey.lastUsedAt, backedUp: passkey.backedUp })),
      passkeyRequired,
      tradingPin: { set: pin !== null, locked: pin !== null && pin.lockedAt !== null, lockedAt: pin?.lockedAt ?? null },
      connectedServices,
      codeMails: codeMails.map((mail) => ({
        queuedAt: mail.createdAt,
        state: mailDeliveryState(mail, now, stuckMail),
        sentAt: mail.sentAt,
        smtpResponse: mail.smtpResponse,
        attempts: mail.attempts,
        lastError: mail.lastError,
        bounceReason: mail.bounce?.reason ?? null,
        bounceText: mail.bounceText,
      })),
      auditTrail: trail.map((event) => ({ at: event.at, event: event.event, outcome: event.outcome, actor: auditedActor(event), detail: event.detail })),
    };
  }
}

function summarize(customer: Customer, emailUndeliverable: boolean): CustomerSummary {
  return {
    loginId: customer.loginId,
    name: customer.name,
    maskedEmail: maskEmail(customer.email),
    mfaEnabled: customer.mfaEnabled,
    locked: customer.lockedAt !== null,
    frozen: customer.frozenAt !== null,
    emailUndeliverable,
  };
}
