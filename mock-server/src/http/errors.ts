import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { z } from "zod";
import { ERROR_CODES, GRPC_CODES, HTTP_STATUS, ScalekitError } from "../domain/errors.js";

export const ERROR_INFO_TYPE = "type.googleapis.com/scalekit.v1.errdetails.ErrorInfo";

/** The grpc-gateway error body: `{code, message, details}` with Scalekit's ErrorInfo. */
export function gatewayErrorBody(error: ScalekitError) {
  return {
    code: GRPC_CODES[error.status],
    message: error.message,
    details: [
      {
        "@type": ERROR_INFO_TYPE,
        error_code: error.errorCode,
        ...(error.violations.length > 0 && {
          validation_error_info: {
            field_violations: error.violations.map((v) => ({ field: v.field, description: v.description, constraint: v.constraint })),
          },
        }),
      },
    ],
  };
}

export function httpStatusOf(error: ScalekitError): ContentfulStatusCode {
  return (error.httpStatus ?? HTTP_STATUS[error.status]) as ContentfulStatusCode;
}

export function gatewayError(c: Context, error: ScalekitError): Response {
  if (error.retryAfter !== undefined) c.header("retry-after", String(error.retryAfter));
  return c.json(gatewayErrorBody(error), httpStatusOf(error));
}

/** An error of the mock's own control API: `{error: {code, message, details}}`. */
export class ControlError extends Error {
  readonly status: ContentfulStatusCode;
  readonly code: string;
  readonly details: unknown[];

  constructor(status: ContentfulStatusCode, code: string, message: string, details: unknown[] = []) {
    super(message);
    this.name = "ControlError";
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

/** What a long-poll answers when the mock shuts down while it waits: not "nothing found", which would be a lie. */
export const shuttingDown = (): ControlError =>
  new ControlError(503, "UNAVAILABLE", "scalekit-mock is shutting down, so the wait ended early; retry against a running mock");

/** A 400 naming each field a zod schema rejected. */
export function invalidInput(what: string, error: z.ZodError): ControlError {
  const details = error.issues.map((issue) => ({ field: issue.path.map(String).join(".") || "(body)", message: issue.message }));
  const summary = details.map((d) => `${d.field}: ${d.message}`).join("; ");
  return new ControlError(400, "INVALID_ARGUMENT", `invalid ${what}: ${summary}`, details);
}

export function controlError(c: Context, error: ControlError): Response {
  return c.json({ error: { code: error.code, message: error.message, details: error.details } }, error.status);
}

/** Parses with a zod schema, turning a failure into a 400 that names the field. */
export function parseInput<T extends z.ZodType>(schema: T, value: unknown, what: string): z.output<T> {
  const result = schema.safeParse(value);
  if (!result.success) throw invalidInput(what, result.error);
  return result.data;
}

export const internalError = (): ScalekitError =>
  new ScalekitError("Internal", ERROR_CODES.internal, "internal error in scalekit-mock; this is a bug, please report it with the request that caused it");
