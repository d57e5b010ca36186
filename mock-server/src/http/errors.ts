import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { IncomingMessage } from "node:http";
import { constants as h2, type Http2ServerRequest } from "node:http2";
import { GRPC_CODES, httpStatusOf, type ScalekitError } from "../domain/errors.js";
import type { ControlError } from "../services/control-error.js";

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

/** A control failure as HTTP: `{error: {code, message, details}}` with its status. */
export function controlError(c: Context, error: ControlError): Response {
  return c.json({ error: { code: error.code, message: error.message, details: error.details } }, error.status);
}
