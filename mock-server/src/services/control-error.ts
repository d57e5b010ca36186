import type { z } from "zod";
import { truncate } from "../domain/preview.js";

/** The HTTP statuses control failures map to. */
export type ControlStatus = 400 | 401 | 403 | 404 | 409 | 413 | 415 | 429 | 500 | 503;

/**
 * A failure of the mock's own control operations, whatever transport asked:
 * a code, a message that says what to do, details per field, and the HTTP
 * status it maps to (`{error: {code, message, details}}` over HTTP). When it
 * translates a lower-level refusal (a ZodError, a clock range error…), that
 * error is the `cause`, so the in-process API can throw it as it always has.
 */
export class ControlError extends Error {
  readonly status: ControlStatus;
  readonly code: string;
  readonly details: unknown[];

  constructor(status: ControlStatus, code: string, message: string, details: unknown[] = [], options?: { cause?: unknown }) {
    super(message, options);
    this.name = "ControlError";
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

export const notFound = (message: string): ControlError => new ControlError(404, "NOT_FOUND", message);

/** What a long-poll answers when the mock shuts down while it waits: not "nothing found", which would be a lie. */
export const shuttingDown = (): ControlError =>
  new ControlError(503, "UNAVAILABLE", "scalekit-mock is shutting down, so the wait ended early; retry against a running mock");

/** How much of a zod failure an error carries: paths and messages can quote what the caller sent (a key, a value). */
const ISSUE_LIMITS = { details: 20, inMessage: 5, fieldChars: 100, messageChars: 200 };

function issueMessage(issue: z.core.$ZodIssue): string {
  // JSON.parse reads 1e400 as Infinity; zod says "received Infinity", which hides why.
  const received = String((issue as { received?: unknown }).received);
  if (issue.code === "invalid_type" && (received === "Infinity" || received === "-Infinity")) {
    return `a number too ${received === "Infinity" ? "large" : "small"} to represent (it reads as ${received}); expected a finite ${issue.expected}`;
  }
  return issue.message;
}

/** A 400 naming each field a zod schema rejected, in bounded length; the ZodError is its cause. */
export function invalidInput(what: string, error: z.ZodError): ControlError {
  const details = error.issues.slice(0, ISSUE_LIMITS.details).map((issue) => ({
    field: truncate(issue.path.map(String).join(".") || "(body)", ISSUE_LIMITS.fieldChars),
    message: truncate(issueMessage(issue), ISSUE_LIMITS.messageChars),
  }));
  const more = error.issues.length - ISSUE_LIMITS.inMessage;
  const summary = details.slice(0, ISSUE_LIMITS.inMessage).map((d) => `${d.field}: ${d.message}`).join("; ") + (more > 0 ? `; and ${more} more` : "");
  return new ControlError(400, "INVALID_ARGUMENT", `invalid ${what}: ${summary}`, details, { cause: error });
}

/** Parses with a zod schema, turning a failure into a 400 that names the field. */
export function parseInput<T extends z.ZodType>(schema: T, value: unknown, what: string): z.output<T> {
  const result = schema.safeParse(value);
  if (!result.success) throw invalidInput(what, result.error);
  return result.data;
}
