import { describe, expect, it } from "vitest";
import { ScalekitError } from "../domain/errors.js";
import { gatewayErrorBody } from "./errors.js";

describe("the REST error body", () => {
  it("D12: carries Scalekit's own ErrorInfo type with the error code, not google.rpc.ErrorInfo", () => {
    const body = gatewayErrorBody(new ScalekitError("NotFound", "AUTH_REQUEST_NOT_FOUND", "auth request \"x\" not found in this environment"));
    expect(body).toEqual({
      code: 5,
      message: 'auth request "x" not found in this environment',
      details: [{ "@type": "type.googleapis.com/scalekit.v1.errdetails.ErrorInfo", error_code: "AUTH_REQUEST_NOT_FOUND" }],
    });
  });
});
