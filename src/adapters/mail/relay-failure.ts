// RFC 5321 §3.8: 421 is the server saying it is going away, not refusing this mail.
const SERVICE_NOT_AVAILABLE = 421;

/**
 * Whether a failed send says the relay itself is down or unreachable (no SMTP
 * reply at all: connection refused or reset, a timeout; or 421), as opposed to
 * the relay refusing this one mail (a 4xx/5xx reply to its envelope or data).
 * Only the first kind ends when the relay comes back, so only it makes the
 * outbox retry every waiting mail once a send or a probe succeeds again; a mail
 * refused for itself keeps its backoff.
 */
export function isRelayFailure(error: unknown): boolean {
  const responseCode = (error as { responseCode?: unknown } | null)?.responseCode;
  return typeof responseCode !== "number" || responseCode === SERVICE_NOT_AVAILABLE;
}
