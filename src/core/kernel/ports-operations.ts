/**
 * What the web layer shows about operations: /readyz and the development mailbox.
 * Declared here so web/ takes its types from the core, not from adapters..
 */

/** The SMTP relay as /readyz and okb_smtp_up report it. */
export type SmtpState = "ok" | "unavailable";

/** What /readyz reports; the health adapter asks the dependencies. */
export interface ReadinessReport {
  /** Required dependencies that did not answer: any of them makes the instance unready. */
  failed: Array<{ name: string; error: string }>;
  /** Reported, not required (docs/decisions.md: a relay outage must not take out customers with MFA off). */
  smtp: SmtpState;
}

/** A mail the development catcher received, as /dev/mailbox shows it. */
export interface CaughtMailView {
  from: string;
  to: string;
  subject: string;
  text: string;
  receivedAt: number;
}

/** The development mailbox (no SMTP_URL): the mails received so far, oldest first. */
export interface DevMailbox {
  readonly mails: readonly CaughtMailView[];
}
