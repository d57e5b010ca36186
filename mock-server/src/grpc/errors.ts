import { create } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import { GRPC_CODES, ScalekitError } from "../domain/errors.js";
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

/** Runs a handler, turning domain errors into gRPC statuses; anything else is Internal and logged. */
export async function translateErrors<T>(operation: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof ScalekitError) throw toConnectError(error);
    if (error instanceof ConnectError) throw error;
    console.error(`scalekit-mock: unexpected error in gRPC ${operation}:`, error);
    throw new ConnectError("internal error in scalekit-mock; this is a bug, please report it with the request that caused it", Code.Internal);
  }
}
