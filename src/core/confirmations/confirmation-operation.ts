import { createHash } from "node:crypto";
import canonicalize from "canonicalize";
import { InvalidInputError } from "../kernel/errors.ts";
import { CONFIRMATION_DETAILS_MAX_FIELDS } from "../kernel/limits.ts";
import { readableTextCheck } from "../kernel/readable-text.ts";

/** What the trading site asks okb-login to have confirmed (issue 13 §5). */
export const OPERATION_TYPES = ["trade", "withdrawal", "bank_account_change"] as const;
export type OperationType = (typeof OPERATION_TYPES)[number];

/** A flat object of strings and integers, kept exactly as the trading site sent it. */
export type OperationDetails = Record<string, string | number>;

export interface Operation {
  type: OperationType;
  details: OperationDetails;
}

// A field name the summary can list as `key=value` without quoting, and that no mail client links.
const DETAIL_KEY = /^[A-Za-z][A-Za-z0-9_]{0,31}$/u;

/**
 * The operation as the request gave it, checked: a known type, and details that are a flat
 * object of at most 16 fields, each a string (1–128 characters of readable text, readable-text.ts) or a
 * safe integer. Anything else (a nested object, an array, a float, a boolean, null) is [4000]:
 * the trading site must be able to rebuild the same JSON from its own order.
 */
export function checkedOperation(input: unknown): Operation {
  if (!isPlainObject(input) || !OPERATION_TYPES.includes(input["type"] as OperationType)) {
    throw new InvalidInputError("operation.type must be trade, withdrawal or bank_account_change");
  }
  const details = input["details"];
  if (!isPlainObject(details)) {
    throw new InvalidInputError("operation.details must be an object");
  }
  const entries = Object.entries(details);
  if (entries.length > CONFIRMATION_DETAILS_MAX_FIELDS || Object.keys(input).some((key) => key !== "type" && key !== "details")) {
    throw new InvalidInputError("operation has too many fields");
  }
  for (const [key, value] of entries) {
    if (!DETAIL_KEY.test(key) || !isDetailValue(value)) {
      throw new InvalidInputError(`operation.details.${DETAIL_KEY.test(key) ? key : "?"} is not a short string or an integer`);
    }
  }
  return { type: input["type"] as OperationType, details: details as OperationDetails };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) && Object.getPrototypeOf(value) === Object.prototype;
}

function isDetailValue(value: unknown): boolean {
  if (typeof value === "number") {
    return Number.isSafeInteger(value);
  }
  // Readable text, checked as sent and never rewritten: the token is bound to these exact characters
  // (issue 17 item 14: a U+202E in a detail reordered the summary the customer confirms).
  return typeof value === "string" && "text" in readableTextCheck("confirmationDetail", value);
}

/** The operation in RFC 8785 canonical JSON: what the trading site recomputes from its own order. */
export function canonicalOperation(operation: Operation): string {
  const canonical = canonicalize({ type: operation.type, details: operation.details });
  if (canonical === undefined) {
    throw new InvalidInputError("operation cannot be serialised");
  }
  return canonical;
}

/** `op_sha256`: base64url SHA-256 of the canonical JSON (issue 13 §6). */
export function operationSha256(canonical: string): string {
  return createHash("sha256").update(canonical, "utf8").digest("base64url");
}

/**
 * The passkey's challenge: SHA-256(random nonce ‖ canonical operation), so an assertion signs
 * this operation only (base64url, as WebAuthn's challenge travels), and a fresh nonce makes two confirmations of one order differ.
 */
export function passkeyChallenge(nonce: string, canonical: string): string {
  return createHash("sha256").update(Buffer.from(nonce, "base64url")).update(canonical, "utf8").digest("base64url");
}
