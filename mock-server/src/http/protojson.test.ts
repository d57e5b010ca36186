import { describe, expect, it } from "vitest";
import { ScalekitError } from "../domain/errors.js";
import { decodeMessage, type FieldSpec } from "./protojson.js";

const FIELDS: FieldSpec[] = [
  { name: "email", kind: { type: "string" } },
  { name: "template", kind: { type: "enum", values: ["UNSPECIFIED", "SIGNIN", "SIGNUP"] } },
  { name: "magiclink_auth_uri", kind: { type: "string" } },
  { name: "expires_in", kind: { type: "uint32" } },
  { name: "template_variables", kind: { type: "map" } },
  { name: "auth_request_id", kind: { type: "string" } },
];

function refusal(body: unknown): ScalekitError {
  try {
    decodeMessage(body, FIELDS);
  } catch (error) {
    if (error instanceof ScalekitError) return error;
    throw error;
  }
  throw new Error("expected the body to be refused");
}

describe("protojson decoding of a request body", () => {
  it("reads lowerCamelCase names as the snake_case fields, and a uint32 given as a string of digits", () => {
    const decoded = decodeMessage(
      { email: "cam@example.com", magiclinkAuthUri: "https://app.test/cb", expiresIn: "120", templateVariables: { app_name: "Acme" }, authRequestId: "r1" },
      FIELDS,
    );
    expect(decoded.fields).toEqual({
      email: "cam@example.com",
      magiclink_auth_uri: "https://app.test/cb",
      expires_in: 120,
      template_variables: { app_name: "Acme" },
      auth_request_id: "r1",
    });
    expect(decoded.ignored).toEqual([]);
  });

  it("ignores unknown fields and lists them", () => {
    const decoded = decodeMessage({ email: "a@example.com", magicLinkUri: "typo" }, FIELDS);
    expect(decoded.fields).toEqual({ email: "a@example.com" });
    expect(decoded.ignored).toEqual(["magicLinkUri"]);
  });

  it("refuses a number for a string field, naming the field and the value", () => {
    const error = refusal({ email: 42 });
    expect([error.status, error.errorCode, error.field]).toEqual(["InvalidArgument", "INVALID_ARGUMENT", "email"]);
    expect(error.message).toBe("invalid request body: invalid value for string field email: 42");
  });

  it.each([
    ["an enum name that does not exist", { template: "LOGIN" }, "template"],
    ["a negative uint32", { expires_in: -5 }, "expires_in"],
    ["a map value that is not a string", { template_variables: { key: 1 } }, "template_variables"],
  ])("refuses %s as InvalidArgument on that field", (_name, body, field) => {
    const error = refusal({ email: "a@example.com", ...body });
    expect([error.status, error.errorCode, error.field]).toEqual(["InvalidArgument", "INVALID_ARGUMENT", field]);
    expect(error.message).toMatch(/^invalid request body: /);
  });

  it.each([
    ["an array", [1, 2]],
    ["a string", "email"],
    ["null", null],
  ])("refuses a body that is %s, not an object", (_name, body) => {
    const error = refusal(body);
    expect([error.status, error.errorCode]).toEqual(["InvalidArgument", "INVALID_ARGUMENT"]);
    expect(error.message).toBe("invalid request body: expected a JSON object");
  });
});
