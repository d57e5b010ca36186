import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { ERROR_CODES, GRPC_CODES, HTTP_STATUS, ScalekitError } from "../domain/errors.js";
import type { ControlError } from "../services/control-error.js";

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

/** A control failure as HTTP: `{error: {code, message, details}}` with its status. */
export function controlError(c: Context, error: ControlError): Response {
  return c.json({ error: { code: error.code, message: error.message, details: error.details } }, error.status);
}

export const internalError = (): ScalekitError =>
  new ScalekitError("Internal", ERROR_CODES.internal, "internal error in scalekit-mock; this is a bug, please report it with the request that caused it");
