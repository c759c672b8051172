import type { FastifyReply, FastifyRequest } from "fastify";
import { SESSION_END_REASONS } from "../../core/kernel/error-reasons.ts";
import { LOGIN_NOTE_COOKIE, clearedCookieOptions, loginNoteCookieOptions } from "./cookies.ts";

/**
 * What the login page says about how the browser got there (issue 21 item 3): why its session
 * ended (the session store's word), or `login_required` when a member page was opened without one.
 * A closed set of words, each with its own sentence (LOGIN_TEXT); nothing the browser sends is shown.
 */
export const LOGIN_NOTES = [...SESSION_END_REASONS, "login_required"] as const;

export type LoginNote = (typeof LOGIN_NOTES)[number];

/** Leaves the note for the login page the reply redirects to. */
export function leaveLoginNote(reply: FastifyReply, note: LoginNote): void {
  reply.setCookie(LOGIN_NOTE_COOKIE, note, loginNoteCookieOptions());
}

/** The note left for this login page, once: the cookie is cleared; anything but a known word is none. */
export function takeLoginNote(request: FastifyRequest, reply: FastifyReply): LoginNote | null {
  const word = request.cookies[LOGIN_NOTE_COOKIE];
  if (word === undefined) {
    return null;
  }
  reply.clearCookie(LOGIN_NOTE_COOKIE, clearedCookieOptions());
  return (LOGIN_NOTES as readonly string[]).includes(word) ? (word as LoginNote) : null;
}
