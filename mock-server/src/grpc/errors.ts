import { create } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import { GRPC_CODES, internalError, type ScalekitError } from "../domain/errors.js";
import { ErrorInfoSchema } from "./gen/scalekit/v1/errdetails/errdetails_pb.js";

/**
 * A ScalekitError as a gRPC status: the same code as the REST table, and
 * Scalekit's ErrorInfo in the details, which the SDK turns into
 * `ScalekitServerException.errorCode`.
 */
export function toConnectError(error: ScalekitError): ConnectError {
  const info = create(ErrorInfoSchema, {
    errorCode: error.errorCode,
    ...(error.violations.length > 0 && {
      validationErrorInfo: { fieldViolations: error.violations.map((v) => ({ field: v.field, description: v.description, constraint: v.constraint })) },
    }),
  });
  return new ConnectError(error.message, GRPC_CODES[error.status] as Code, undefined, [{ desc: ErrorInfoSchema, value: info }]);
}

/**
 * What a call that failed for an unexpected reason answers: Internal with
 * ErrorInfo INTERNAL, as REST answers it, logged once (without the request).
 */
export function unexpectedError(operation: string, error: unknown): ConnectError {
  if (error instanceof ConnectError) return error;
  console.error(`scalekit-mock: unexpected error in gRPC ${operation}:`, error);
  return toConnectError(internalError());
}
