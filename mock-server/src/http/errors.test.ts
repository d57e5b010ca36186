import { describe, expect, it } from "vitest";
import { ERROR_CODES, httpStatusOf, ScalekitError, type GrpcCodeName } from "../domain/errors.js";
import { ERROR_INFO_TYPE, gatewayErrorBody } from "./errors.js";

describe("a Scalekit error over REST", () => {
  it.each([
    ["InvalidArgument", ERROR_CODES.otpInvalid, 400, 3],
    ["FailedPrecondition", ERROR_CODES.authRequestVerified, 400, 9],
    ["FailedPrecondition", ERROR_CODES.authRequestExpired, 400, 9],
    ["PermissionDenied", ERROR_CODES.sameOriginRequired, 403, 7],
    ["NotFound", ERROR_CODES.authRequestNotFound, 404, 5],
    ["ResourceExhausted", ERROR_CODES.tooManyAttempts, 429, 8],
    ["Unauthenticated", ERROR_CODES.tokenExpired, 401, 16],
  ] as const)("answers %s (%s) with HTTP %i and gRPC code %i in the gateway shape", (status, errorCode, http, grpc) => {
    const error = new ScalekitError(status as GrpcCodeName, errorCode, "what failed");
    expect(httpStatusOf(error)).toBe(http);
    expect(gatewayErrorBody(error)).toEqual({ code: grpc, message: "what failed", details: [{ "@type": ERROR_INFO_TYPE, error_code: errorCode }] });
  });

  it("carries every field violation of a validation error", () => {
    const error = new ScalekitError("InvalidArgument", ERROR_CODES.invalidArgument, "validation error: email: value must be a valid email address [string.email]", {
      field: "email",
      violations: [{ field: "email", description: "value must be a valid email address", constraint: "string.email" }],
    });
    expect(gatewayErrorBody(error).details[0]).toEqual({
      "@type": ERROR_INFO_TYPE,
      error_code: "INVALID_ARGUMENT",
      validation_error_info: { field_violations: [{ field: "email", description: "value must be a valid email address", constraint: "string.email" }] },
    });
  });
  it("D12: carries Scalekit's own ErrorInfo type with the error code, not google.rpc.ErrorInfo", () => {
    const body = gatewayErrorBody(new ScalekitError("NotFound", "AUTH_REQUEST_NOT_FOUND", "auth request \"x\" not found in this environment"));
    expect(body).toEqual({
      code: 5,
      message: 'auth request "x" not found in this environment',
      details: [{ "@type": "type.googleapis.com/scalekit.v1.errdetails.ErrorInfo", error_code: "AUTH_REQUEST_NOT_FOUND" }],
    });
  });
});
