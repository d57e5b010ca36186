import { describe, expect, it } from "vitest";
import { GRPC_CODES, HTTP_STATUS } from "./errors.js";

describe("gRPC codes on REST", () => {
  it("D38: map to HTTP statuses as grpc-gateway maps them", () => {
    expect(HTTP_STATUS).toMatchObject({
      InvalidArgument: 400,
      FailedPrecondition: 400,
      OutOfRange: 400,
      Unauthenticated: 401,
      PermissionDenied: 403,
      NotFound: 404,
      AlreadyExists: 409,
      Aborted: 409,
      ResourceExhausted: 429,
      Canceled: 499,
      Internal: 500,
      Unimplemented: 501,
      Unavailable: 503,
      DeadlineExceeded: 504,
    });
    expect(Object.keys(HTTP_STATUS).sort()).toEqual(Object.keys(GRPC_CODES).sort());
  });
});
