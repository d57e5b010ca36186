import { z } from "zod";
import { parseDuration } from "../domain/duration.js";
import { describeValue } from "../domain/preview.js";
import { isMockTime, MOCK_TIME_RANGE } from "../domain/mock-time.js";
import { chosenId } from "../domain/ids.js";
import { OPERATIONS, TRANSPORTS } from "../domain/operations.js";
import { templateSourceSchema } from "../domain/email-template.js";
import { ownRecord } from "../domain/own-record.js";
import { templateVariableViolations } from "../domain/validation.js";

/** Longest a long-poll may wait. */
export const MAX_WAIT_MS = 120_000;

/** A duration like "5s" or "2m"; a bare number is seconds. Output: milliseconds. */
export const waitParam = z
  .string()
  .transform((value, ctx) => {
    const ms = parseDuration(value, "s");
    if (ms === undefined || ms < 0 || ms > MAX_WAIT_MS) {
      ctx.addIssue({ code: "custom", message: `expected a duration from 0 to ${MAX_WAIT_MS / 1000}s such as "5s", got ${describeValue(value)}` });
      return z.NEVER;
    }
    return ms;
  });

const cursor = z.coerce.number().int().min(0);

export const emailFilterQuery = z.object({
  to: z.string().min(1).optional(),
  auth_request_id: z.string().min(1).optional(),
  after: cursor.optional(),
});

export const emailListQuery = emailFilterQuery.extend({
  limit: z.coerce.number().int().min(1).max(1000).default(50),
});

export const latestEmailQuery = emailFilterQuery.extend({
  wait: waitParam.default(0),
});

export const otpQuery = z.object({
  email: z.string().min(1, "email is required: the address the code or link was sent to"),
  auth_request_id: z.string().min(1).optional(),
  after: cursor.optional(),
  wait: waitParam.default(0),
});

/** An instant on the mock clock: ISO 8601 text or epoch milliseconds. Output: epoch ms. */
const INSTANT_HINT = "expected an ISO 8601 time or epoch milliseconds";
const instant = z.union([z.number().int(), z.string()], { error: (issue) => `${INSTANT_HINT}, got ${describeValue(issue.input)}` }).transform((value, ctx) => {
  const ms = typeof value === "number" ? value : Date.parse(value);
  if (!Number.isFinite(ms)) {
    ctx.addIssue({ code: "custom", message: `${INSTANT_HINT}, got ${describeValue(value)}` });
    return z.NEVER;
  }
  if (!isMockTime(ms)) {
    ctx.addIssue({ code: "custom", message: `expected a time from ${MOCK_TIME_RANGE}, got ${describeValue(value)}` });
    return z.NEVER;
  }
  return ms;
});

/** A signed duration: "5m", "-30s", "1h30m"; a bare number is milliseconds. Output: ms. */
const SHIFT_HINT = 'expected a duration such as "5m" or a number of milliseconds';
const shift = z.union([z.number(), z.string()], { error: (issue) => `${SHIFT_HINT}, got ${describeValue(issue.input)}` }).transform((value, ctx) => {
  const ms = parseDuration(value, "ms");
  if (ms === undefined) {
    ctx.addIssue({ code: "custom", message: `${SHIFT_HINT}, got ${describeValue(value)}` });
    return z.NEVER;
  }
  return ms;
});

export const clockChange = z
  .object({
    advance: shift.optional(),
    set: instant.optional(),
    freeze: z.boolean().optional(),
  })
  .strict()
  .refine((body) => body.advance !== undefined || body.set !== undefined || body.freeze !== undefined, {
    message: "give at least one of advance, set, freeze",
  })
  .refine((body) => body.advance === undefined || body.set === undefined, { message: "give advance or set, not both" });

export type ClockChange = z.output<typeof clockChange>;

/** `GET /requests`: a filter of the journal of Scalekit calls. */
export const requestsQuery = z.object({
  operation: z.enum(OPERATIONS).optional(),
  transport: z.enum(TRANSPORTS).optional(),
  status: z
    .string()
    .regex(/^(ok|error|\d{3}|[A-Za-z]+)$/, 'an HTTP status ("429"), a gRPC code name ("ResourceExhausted"), "ok" or "error"')
    .optional(),
  since: z
    .string()
    .transform((value, ctx) => {
      const ms = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
      if (!Number.isFinite(ms)) {
        ctx.addIssue({ code: "custom", message: "expected an ISO 8601 time or epoch milliseconds" });
        return z.NEVER;
      }
      return ms;
    })
    .optional(),
  limit: z.coerce.number().int().min(1).max(100_000).optional(),
});

/** `GET /auth-requests`: only those sent to one address (compared case-insensitively). */
export const authRequestsQuery = z.object({ email: z.string().optional() });

/** `POST /environments`: a new environment; whatever is left out derives from the server seed. */
export const newEnvironment = z
  .object({
    id: chosenId.optional(),
    client_id: z.string().min(1).max(200).optional(),
    client_secret: z.string().min(8).max(500).optional(),
    seed: z.string().min(1).max(200).optional(),
    // Checked against the settings schema when the environment is made; here only kept whole.
    settings: ownRecord(z.string(), z.unknown()).optional(),
  })
  .strict();

export type NewEnvironmentBody = z.output<typeof newEnvironment>;

/** What a template read answers besides the template itself: a PUT of a read's answer ignores them. */
const TEMPLATE_VIEW_KEYS = ["type", "custom", "variables_required", "variablesRequired"];

/**
 * `PUT /templates/{type}`: a subject and the HTML and/or text body. The keys
 * only a read answers (`type`, `custom`, `variables_required`) are ignored, so
 * what `GET` answers can be put back, also under another type.
 */
export const templatePut = z.preprocess(
  (input) =>
    typeof input === "object" && input !== null && !Array.isArray(input)
      ? Object.fromEntries(Object.entries(input).filter(([key]) => !TEMPLATE_VIEW_KEYS.includes(key)))
      : input,
  templateSourceSchema,
);

/** A preview's template_variables, checked by the rules a send's are (the same code, so the same limits and reserved names). */
const previewVariables = ownRecord(z.string(), z.string()).superRefine((variables, ctx) => {
  for (const violation of templateVariableViolations(variables)) {
    ctx.addIssue({ code: "custom", path: violation.path?.slice(1) ?? [], message: violation.description });
  }
});

/** `POST /templates/{type}/preview`: the stored template, or one given, with these variables. */
export const templatePreviewInput = z
  .object({
    template: templateSourceSchema.optional(),
    template_variables: previewVariables.optional(),
    /** The recipient, `{{user_email}}`; "user@example.com" when left out. */
    email: z.string().min(1).max(320).optional(),
  })
  .strict();
