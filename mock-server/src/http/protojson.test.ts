import { describe, expect, it } from "vitest";
import { ScalekitError } from "../domain/errors.js";
import { RESEND_REQUEST, SEND_REQUEST } from "../domain/messages.js";
import { decodeMessage } from "./protojson.js";

const FIELDS = [...SEND_REQUEST, ...RESEND_REQUEST];
const EMAIL_ONLY = SEND_REQUEST.filter((field) => field.name === "email");
const nested = (depth: number) => "[".repeat(depth) + "]".repeat(depth);

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
  it("reads snake_case and lowerCamelCase names alike, into the command's property names, and a uint32 given as a string of digits", () => {
    const decoded = decodeMessage(
      { email: "cam@example.com", magiclinkAuthUri: "https://app.test/cb", expiresIn: "120", templateVariables: { app_name: "Acme" }, authRequestId: "r1" },
      FIELDS,
    );
    expect(decoded.fields).toEqual({
      email: "cam@example.com",
      magiclinkAuthUri: "https://app.test/cb",
      expiresIn: 120,
      templateVariables: { app_name: "Acme" },
      authRequestId: "r1",
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

  it("D15: ignores fields the message does not have, and names them", () => {
    expect(decodeMessage({ email: "a@example.com", emial: "typo", other: 1 }, EMAIL_ONLY)).toEqual({
      fields: { email: "a@example.com" },
      ignored: ["emial", "other"],
    });
  });

  it("D17: refuses a body nested deeper than 10,000 levels, even in a field it would ignore", () => {
    // The body object itself is one level.
    const within = JSON.parse(`{"email": "a@example.com", "unknown": ${nested(9_999)}}`);
    expect(decodeMessage(within, EMAIL_ONLY).ignored).toEqual(["unknown"]);
    const deeper = JSON.parse(`{"email": "a@example.com", "unknown": ${nested(10_000)}}`);
    expect(() => decodeMessage(deeper, EMAIL_ONLY)).toThrow(ScalekitError);
    expect(() => decodeMessage(deeper, EMAIL_ONLY)).toThrow(/deeper than 10000 levels/);
  });
});
