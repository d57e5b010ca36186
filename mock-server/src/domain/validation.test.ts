import { describe, expect, it } from "vitest";
import { ScalekitError } from "./errors.js";
import { defaultSettings } from "./settings.js";
import { verifyCommand, type VerifyFields } from "./commands.js";
import { RESERVED_TEMPLATE_VARIABLES, validateResend, validateSend, type SendInput } from "./validation.js";

/** Builds a verify command, throwing the error of one the fields make invalid. */
function validateVerify(fields: VerifyFields): void {
  const command = verifyCommand(fields);
  if (command.kind === "invalid") throw command.error;
}

const settings = defaultSettings();

function violation(fn: () => unknown): { field: string; constraint: string; message: string; code: string } {
  try {
    fn();
  } catch (error) {
    if (!(error instanceof ScalekitError)) throw error;
    expect(error.status).toBe("InvalidArgument");
    return { field: error.field!, constraint: error.violations[0]?.constraint ?? "", message: error.message, code: error.errorCode };
  }
  throw new Error("expected the input to be rejected");
}

const send = (input: Partial<SendInput>) => validateSend({ email: "ana@example.com", templateVariables: {}, ...input }, settings);

describe("send validation", () => {
  it("accepts a minimal send and fills defaults", () => {
    expect(send({})).toEqual({ email: "ana@example.com", template: "SIGNIN", expiresIn: 300, templateVariables: {} });
  });

  it("requires an email", () => {
    expect(violation(() => send({ email: "" }))).toMatchObject({ field: "email", constraint: "required" });
  });

  it.each(["plainaddress", "a@", "@b.co", "a b@c.co", "a@b..co", "a@-b.co", `${"x".repeat(65)}@b.co`])("rejects the address %j", (email) => {
    expect(violation(() => send({ email }))).toMatchObject({ field: "email", constraint: "string.email" });
  });

  it("accepts addresses up to 320 characters and no longer", () => {
    const label = "a".repeat(60);
    const domain = `${label}.${label}.${label}.${label}.`;
    const ok = `${"b".repeat(64)}@${domain}${"c".repeat(320 - 65 - domain.length)}`;
    expect(ok.length).toBe(320);
    expect(send({ email: ok }).email).toBe(ok);
    expect(violation(() => send({ email: `${ok}d` }))).toMatchObject({ field: "email", constraint: "string.max_len" });
  });

  it("D9: accepts defined templates only, reading UNSPECIFIED as SIGNIN", () => {
    expect(send({ template: "SIGNUP" }).template).toBe("SIGNUP");
    expect(send({ template: "UNSPECIFIED" }).template).toBe("SIGNIN");
    expect(violation(() => send({ template: 7 }))).toMatchObject({ field: "template", constraint: "enum.defined_only" });
  });

  it("bounds state and magiclink_auth_uri to 1–1000 characters", () => {
    expect(violation(() => send({ state: "" }))).toMatchObject({ field: "state", constraint: "string.min_len" });
    expect(violation(() => send({ state: "s".repeat(1001) }))).toMatchObject({ field: "state", constraint: "string.max_len" });
    expect(send({ state: "s".repeat(1000) }).state).toHaveLength(1000);
    expect(violation(() => send({ magiclinkAuthUri: "u".repeat(1001) }))).toMatchObject({ field: "magiclink_auth_uri" });
  });

  it("D1: bounds expires_in by the environment's min and max, Scalekit's 60 to 3600 s by default", () => {
    expect(send({ expiresIn: 60 }).expiresIn).toBe(60);
    expect(send({ expiresIn: 3_600 }).expiresIn).toBe(3_600);
    expect(violation(() => send({ expiresIn: 59 }))).toMatchObject({ field: "expires_in", constraint: "uint32.gte_lte" });
    expect(violation(() => send({ expiresIn: 3_601 }))).toMatchObject({ field: "expires_in" });
    expect(violation(() => send({ expiresIn: 0 }))).toMatchObject({ field: "expires_in" });
  });

  it("takes the default and the bounds of expires_in from the settings", () => {
    const custom = { ...settings, defaultExpiresIn: 600, minExpiresIn: 120, maxExpiresIn: 900 };
    expect(validateSend({ email: "a@b.co", templateVariables: {} }, custom).expiresIn).toBe(600);
    expect(() => validateSend({ email: "a@b.co", templateVariables: {}, expiresIn: 100 }, custom)).toThrow(/greater than or equal to 120/);
    expect(() => validateSend({ email: "a@b.co", templateVariables: {}, expiresIn: 901 }, custom)).toThrow(/less than or equal to 900/);
  });

  it("allows 30 template variables, not 31", () => {
    const vars = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`var_${i}`, "v"]));
    expect(Object.keys(send({ templateVariables: vars(30) }).templateVariables)).toHaveLength(30);
    expect(violation(() => send({ templateVariables: vars(31) }))).toMatchObject({ field: "template_variables", constraint: "map.max_pairs" });
  });

  it("bounds template variable keys to 2–25 characters and values to 256", () => {
    expect(violation(() => send({ templateVariables: { a: "v" } }))).toMatchObject({ field: 'template_variables["a"]', constraint: "string.min_len" });
    expect(violation(() => send({ templateVariables: { ["k".repeat(26)]: "v" } }))).toMatchObject({ constraint: "string.max_len" });
    expect(send({ templateVariables: { ["k".repeat(25)]: "v".repeat(256) } }).templateVariables).toBeDefined();
    expect(violation(() => send({ templateVariables: { key: "v".repeat(257) } }))).toMatchObject({ constraint: "string.max_len" });
  });

  it.each(RESERVED_TEMPLATE_VARIABLES)("D14: refuses the reserved template variable %s", (name) => {
    expect(violation(() => send({ templateVariables: { [name]: "x" } }))).toMatchObject({ constraint: "template_variables.reserved" });
  });

  it("D13: names every failed rule in one message", () => {
    const { message } = violation(() => send({ email: "nope", state: "" }));
    expect(message).toBe(
      "validation error: email: value must be a valid email address [string.email]; state: value length must be at least 1 characters [string.min_len]",
    );
  });

  it("D11: requires magiclink_auth_uri for LINK and LINK_OTP, with our error code MAGICLINK_AUTH_URI_REQUIRED", () => {
    for (const passwordlessType of ["LINK", "LINK_OTP"] as const) {
      const error = violation(() => validateSend({ email: "a@b.co", templateVariables: {} }, { ...settings, passwordlessType }));
      expect(error).toMatchObject({ field: "magiclink_auth_uri", code: "MAGICLINK_AUTH_URI_REQUIRED" });
    }
    expect(send({}).magiclinkAuthUri).toBeUndefined();
  });

  it("D45: refuses a magiclink_auth_uri that is not an absolute http or https URL, whatever the passwordless type", () => {
    for (const uri of ["/passwordless/verify", "app.test/cb", "not a url", "javascript:alert(1)", "ftp://x", "https:app.test/cb", "https://", "mailto:a@b.co", " https://app.test/cb", "https://app.test/c b", "https://app.test/cb\r\nBcc: x@y.z"]) {
      expect(violation(() => send({ magiclinkAuthUri: uri })), uri).toEqual({
        field: "magiclink_auth_uri",
        constraint: "string.uri",
        code: "INVALID_ARGUMENT",
        message: "validation error: magiclink_auth_uri: value must be an absolute http or https URL, such as https://app.example.com/auth/verify [string.uri]",
      });
    }
  });

  it("D45: accepts absolute http and https URLs, with a port, query or fragment", () => {
    for (const uri of ["https://app.test/cb", "http://localhost:3000/cb?next=%2F#frag", "HTTPS://App.Test", "http://[::1]:8080/cb", "http://127.0.0.1/cb?link_token=old"]) {
      expect(send({ magiclinkAuthUri: uri }).magiclinkAuthUri, uri).toBe(uri);
    }
  });
});

describe("verify validation", () => {
  it("needs a code or a link token", () => {
    expect(violation(() => validateVerify({}))).toMatchObject({ field: "auth_credential", constraint: "required" });
  });

  it("needs auth_request_id with a code, not with a link token", () => {
    expect(violation(() => validateVerify({ code: "123456" }))).toMatchObject({ field: "auth_request_id" });
    expect(() => validateVerify({ linkToken: "t" })).not.toThrow();
  });

  it("bounds code to 1–20, link_token to 1–100 and auth_request_id to 200 characters", () => {
    expect(violation(() => validateVerify({ code: "", authRequestId: "x" }))).toMatchObject({ field: "code", constraint: "string.min_len" });
    expect(violation(() => validateVerify({ code: "1".repeat(21), authRequestId: "x" }))).toMatchObject({ field: "code" });
    expect(() => validateVerify({ code: "1".repeat(20), authRequestId: "x".repeat(200) })).not.toThrow();
    expect(violation(() => validateVerify({ linkToken: "t".repeat(101) }))).toMatchObject({ field: "link_token" });
    expect(violation(() => validateVerify({ linkToken: "t", authRequestId: "x".repeat(201) }))).toMatchObject({ field: "auth_request_id" });
  });
});

describe("resend validation", () => {
  it("requires auth_request_id of 1–200 characters", () => {
    expect(violation(() => validateResend({ authRequestId: "" }))).toMatchObject({ field: "auth_request_id", constraint: "required" });
    expect(violation(() => validateResend({ authRequestId: "x".repeat(201) }))).toMatchObject({ constraint: "string.max_len" });
    expect(() => validateResend({ authRequestId: "x".repeat(200) })).not.toThrow();
  });
});
