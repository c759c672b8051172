import type { FastifyReply, FastifyRequest } from "fastify";
import { AuthError } from "../../core/kernel/errors.ts";
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
