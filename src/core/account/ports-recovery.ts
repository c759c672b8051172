/**
 * The port of recovery requests resolved after their answer (issue 17 item 7).
 */
import type { RequestContext } from "../kernel/request-context.ts";

/** What a forgotten-ID or forgotten-password request asked, as typed (normalised, checked). */
export type RecoveryAsk =
  | { kind: "login_id_reminder"; email: string; birthDate: string }
  | {
      kind: "password_reset";
      loginId: string;
      birthDate: string;
      /** SHA-256 of the reset token the browser was given: the code, if one is sent, is bound to it. */
      resetTokenHash: string;
    };

export type LoginIdReminderAsk = Extract<RecoveryAsk, { kind: "login_id_reminder" }>;
export type PasswordResetAsk = Extract<RecoveryAsk, { kind: "password_reset" }>;

/** A recovery request as it waits: what was asked, where from, when. */
export interface RecoveryRequest {
  id: string;
  ask: RecoveryAsk;
  context: RequestContext;
  createdAt: number;
}

export interface RecoveryQueue {
  /**
   * Writes the request durably, the same way whatever it will match, and has it resolved after
   * the answer (by this instance at once, or by any instance once this one's hold has lapsed).
   */
  add(request: RecoveryRequest): Promise<void>;
}
