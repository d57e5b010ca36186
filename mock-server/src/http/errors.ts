import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { z } from "zod";
import type { IncomingMessage } from "node:http";
import { constants as h2, type Http2ServerRequest } from "node:http2";
import { ERROR_CODES, GRPC_CODES, httpStatusOf, ScalekitError } from "../domain/errors.js";
import { truncate } from "../domain/preview.js";

// Deviation D12: Scalekit's own ErrorInfo, which the Node SDK reads
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

/** Cuts a REST call off (fault `drop`): RST_STREAM on HTTP/2, the socket on HTTP/1.1. */
export function dropConnection(c: Context): Response {
  const incoming = (c.env as { incoming?: IncomingMessage | Http2ServerRequest } | undefined)?.incoming;
  // Deviation D29: a drop resets the HTTP/2 stream with REFUSED_STREAM
  if (incoming && "stream" in incoming) incoming.stream.close(h2.NGHTTP2_REFUSED_STREAM);
  else incoming?.socket.destroy();
  return new Response(null, { status: 503 });
}

export function gatewayError(c: Context, error: ScalekitError): Response {
  if (error.retryAfter !== undefined) c.header("retry-after", String(error.retryAfter));
  return c.json(gatewayErrorBody(error), httpStatusOf(error) as ContentfulStatusCode);
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

/** A 400 naming each field a zod schema rejected, in bounded length. */
export function invalidInput(what: string, error: z.ZodError): ControlError {
  const details = error.issues.slice(0, ISSUE_LIMITS.details).map((issue) => ({
    field: truncate(issue.path.map(String).join(".") || "(body)", ISSUE_LIMITS.fieldChars),
    message: truncate(issueMessage(issue), ISSUE_LIMITS.messageChars),
  }));
  const more = error.issues.length - ISSUE_LIMITS.inMessage;
  const summary = details.slice(0, ISSUE_LIMITS.inMessage).map((d) => `${d.field}: ${d.message}`).join("; ") + (more > 0 ? `; and ${more} more` : "");
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
