import { z } from "zod";
import { InvalidInputError } from "../core/errors.ts";
import { MAX_CODE_INPUT_LENGTH, MAX_PASSWORD_LENGTH } from "../core/limits.ts";

// Generous upper bounds: the core applies the exact rules; these only stop garbage early.
export const passwordStepBody = z.object({
  loginId: z.string().min(1).max(256),
  password: z.string().min(1).max(MAX_PASSWORD_LENGTH * 4),
});

export const codeStepBody = z.object({
  code: z.string().min(1).max(MAX_CODE_INPUT_LENGTH),
});

/** Parses a request body against `schema`; InvalidInputError (4000) names the bad fields. */
export function parseBody<T>(schema: z.ZodType<T>, body: unknown): T {
  const result = schema.safeParse(body ?? {});
  if (!result.success) {
    const fields = [...new Set(result.error.issues.map((issue) => issue.path.join(".") || "body"))];
    throw new InvalidInputError(`invalid fields: ${fields.join(", ")}`);
  }
  return result.data;
}
