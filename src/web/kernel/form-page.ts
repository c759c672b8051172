import type { FastifyReply, FastifyRequest } from "fastify";
import { AuthError } from "../../core/kernel/errors.ts";
import { formatJapanTime } from "../../core/kernel/japan-time.ts";
import type { PendingCodeView } from "../../core/login/login-challenge.ts";
import { detectLang } from "./i18n.ts";
import { refuse } from "./refusal.ts";
import type { Refusal } from "./refusal.ts";

/** A refusal as the page shows it again: the code, message and hint in the reader's language, the status, the error. */
export interface ShownRefusal extends Refusal {
  error: AuthError;
}

/**
 * The pages' one shape for "show the form, refuse, show it again": `attempt` does the work and
 * answers (a redirect, the next step); an AuthError it throws is refused (status and Retry-After,
 * one log line, the request marked: refusal.ts) and `showAgain` renders the page again with it,
 * in the status to answer with. Anything else, and an AuthError `passOn` names (an unknown
 * customer has no page to show it on), goes on to the error handler.
 */
export async function attemptOrShowAgain(
  request: FastifyRequest,
  reply: FastifyReply,
  showAgain: (refusal: ShownRefusal) => FastifyReply | Promise<FastifyReply>,
  attempt: () => Promise<FastifyReply>,
  options: { passOn?: (error: AuthError) => boolean } = {},
): Promise<FastifyReply> {
  try {
    return await attempt();
  } catch (error) {
    if (!(error instanceof AuthError) || options.passOn?.(error) === true) {
      throw error;
    }
    const refusal = refuse(request, reply, error, detectLang(request));
    return showAgain({ ...refusal, error });
  }
}

/** What a form that forgives shows again (kernel/views/form-field.eta): what was typed, the wrong fields, the one focused. */
export interface TypedAgain {
  typed: Record<string, string>;
  wrongFields: readonly string[];
  focusField: string | null;
}

// Longer than any field of these forms accepts (a password's 256 characters, NFKC-widened): a refused body is not echoed whole.
const MAX_TYPED_LENGTH = 1024;

/**
 * Issue 21 item 4: after a refusal the form keeps what the customer typed in `fields` (a field
 * sent twice or not at all is left empty); `wrongFields` are emptied and marked, the first focused.
 * Only to the browser that sent it, on a no-store page: nothing is logged or kept.
 */
export function typedAgain(request: FastifyRequest, fields: readonly string[], wrongFields: readonly string[]): TypedAgain {
  const body = (request.body ?? {}) as Record<string, unknown>;
  const typed: Record<string, string> = {};
  for (const field of fields) {
    const value = body[field];
    typed[field] = typeof value === "string" ? value.slice(0, MAX_TYPED_LENGTH) : "";
  }
  return { typed, wrongFields, focusField: wrongFields[0] ?? null };
}

/** Where and when a step-up code went, and until when it is valid, in Japan time, as a code step's page shows them. */
export function sentCodeView(sent: PendingCodeView): { maskedEmail: string; sentAt: string; expiresAt: string } {
  return { maskedEmail: sent.maskedEmail, sentAt: formatJapanTime(sent.sentAt), expiresAt: formatJapanTime(sent.expiresAt) };
}
