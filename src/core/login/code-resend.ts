import type { LoginDeps } from "./login-deps.ts";
import type { Lockout } from "./lockout.ts";
import type { IssuedChallenge } from "./login-challenge.ts";
import type { EnforceRateLimit } from "../kernel/rate-limit.ts";
import type { RequestContext } from "../kernel/request-context.ts";
import { InvalidCodeError } from "../kernel/errors.ts";
import { CodeMailLimitError } from "../kernel/retry-later-errors.ts";
import { customerOfUsableChallenge, issueLoginChallenge } from "./login-challenge.ts";
import { refuseIfPasskeyRequired } from "./passkey-required-refusal.ts";
import { hashToken } from "../kernel/token-hash.ts";

/**
 * 「認証コードを再送信」 on the code screen (issue 21, item 2): a new code for the pre-auth state
 * this browser holds, sent as a login sends it: the old code superseded, never the same code
 * again (seed Q6), counted toward the code-mail limit ([5125]). Only while this browser's code
 * is pending and unexpired (else the code step's answers): a code that has ended takes a new
 * login, the password again. The browser gets a new pre-auth token with the new code.
 */
export async function resendLoginCode(
  deps: LoginDeps,
  guards: { lockout: Lockout; limit: EnforceRateLimit },
  preauthToken: string | undefined,
  context: RequestContext,
): Promise<IssuedChallenge> {
  if (preauthToken === undefined || preauthToken === "") {
    throw new InvalidCodeError("resend without a pre-auth token");
  }
  const challenge = await deps.challenges.findByPreauthHash(hashToken(preauthToken));
  if (challenge === null) {
    throw new InvalidCodeError("resend for an unknown pre-auth token");
  }
  const customer = await customerOfUsableChallenge(deps, guards.lockout, challenge, context);
  // パスキー必須 turned on since the password step: no more codes for this login.
  await refuseIfPasskeyRequired(deps, customer.id, context);
  await countCodeMail(deps, guards.limit, customer.id, context);
  const issued = await issueLoginChallenge(deps, customer, context, { resent: true });
  if (issued === null) {
    throw await guards.lockout.refuse(customer.id, context, "code");
  }
  return issued;
}

/** The login's code-mail limit, refused in the resend's words: the code already sent still works. */
async function countCodeMail(deps: LoginDeps, limit: EnforceRateLimit, customerId: string, context: RequestContext): Promise<void> {
  try {
    await limit("codeMailsPerCustomer", customerId, context, { customerId });
  } catch (error) {
    if (error instanceof CodeMailLimitError) {
      throw new CodeMailLimitError(deps.settings.rateLimits.codeMailsPerCustomer, error.retryAfterSeconds, error.detail, { resend: true });
    }
    throw error;
  }
}
