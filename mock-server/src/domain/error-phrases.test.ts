import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { openAuthRequest, resendAuthRequest, type AuthRequest, type RequestContext } from "./auth-request.js";
import { ERROR_PHRASES, phrased, type ErrorPhrase } from "./error-phrases.js";
import { ScalekitError } from "./errors.js";
import { SeededRandom } from "./seeded-random.js";
import { defaultSettings, type Settings } from "./settings.js";
import { validateSend } from "./validation.js";
import { verifyCode, verifyLinkToken } from "./verification.js";

const T0 = Date.UTC(2026, 0, 1);

function ctx(overrides: Partial<Settings> = {}, now = T0): RequestContext {
  return { environmentId: "env", settings: { ...defaultSettings(), ...overrides }, random: new SeededRandom("seed"), now };
}

function open(overrides: Partial<Settings> = {}, sendIndex = 1): AuthRequest {
  const c = ctx(overrides);
  return openAuthRequest(c, validateSend({ email: "ana@example.com", templateVariables: {}, magiclinkAuthUri: "https://app.test/cb" }, c.settings), sendIndex);
}

function message(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof ScalekitError) return error.message;
    throw error;
  }
  throw new Error("expected a ScalekitError");
}

const LINK = { passwordlessType: "LINK_OTP" } as const;
const settings = { enforceSameOrigin: false };

/** Each condition apps tell apart by message, and the message the domain gives for it. */
const CONDITIONS: Array<[string, ErrorPhrase, () => string]> = [
  ["a send without magiclink_auth_uri", "magiclinkAuthUriRequired", () => message(() => validateSend({ email: "a@example.com", templateVariables: {} }, { ...defaultSettings(), passwordlessType: "LINK" }))],
  ["an expired code", "authRequestExpired", () => message(() => verifyCode(open(), "123456", T0 + 301_000))],
  ["an expired link", "authRequestExpired", () => message(() => verifyLinkToken(open(LINK), "x", false, settings, T0 + 301_000))],
  ["a link verified without auth_request_id under same-origin enforcement", "authRequestIdRequired", () => message(() => verifyLinkToken(open(LINK), "x", false, { enforceSameOrigin: true }, T0))],
  ["a wrong code", "verificationFailed", () => message(() => verifyCode(open(), "x", T0))],
  ["a wrong link token", "verificationFailed", () => message(() => verifyLinkToken(open(LINK), "x", true, settings, T0))],
  [
    "a replaced link",
    "verificationFailed",
    () => {
      const request = open(LINK);
      const old = request.credentials.linkToken!;
      resendAuthRequest(ctx({ newCredentialsOnResend: true }), request);
      return message(() => verifyLinkToken(request, old, true, settings, T0));
    },
  ],
  [
    "a used code",
    "verificationFailed",
    () => {
      const request = open();
      verifyCode(request, request.credentials.code!, T0);
      return message(() => verifyCode(request, request.credentials.code!, T0));
    },
  ],
  [
    "a locked request",
    "tooManyAttempts",
    () => {
      const request = open({ maxAttempts: 1 });
      message(() => verifyCode(request, "x", T0));
      return message(() => verifyCode(request, request.credentials.code!, T0));
    },
  ],
  [
    "a resend past the limit",
    "tooManyResends",
    () => {
      const request = open({ maxResends: 0 });
      return message(() => resendAuthRequest(ctx({ maxResends: 0 }), request));
    },
  ],
];

describe("the wording apps match", () => {
  it.each(CONDITIONS)("D48: starts the message for %s with its phrase", (_, phrase, make) => {
    expect(make().startsWith(`${ERROR_PHRASES[phrase]}: `)).toBe(true);
  });

  // Demo apps test `includes("expired")` and `includes("auth_request_id")` before anything else.
  it.each(CONDITIONS.filter(([, phrase]) => phrase !== "authRequestExpired"))("says nothing of expiry for %s", (_, _phrase, make) => {
    expect(make()).not.toMatch(/expired/i);
  });

  it.each(CONDITIONS.filter(([, phrase]) => phrase !== "authRequestIdRequired"))("names no auth_request_id for %s", (_, _phrase, make) => {
    expect(make()).not.toContain("auth_request_id");
  });

  it("puts our hint after the phrase", () => {
    expect(phrased("authRequestExpired", "resend it")).toBe("auth request expired: resend it");
  });

  it("lists every phrase in the table of docs/errors.md", () => {
    const doc = readFileSync(join(import.meta.dirname, "../../../docs/errors.md"), "utf8");
    const table = doc.slice(doc.indexOf("## Wording apps match"));
    for (const phrase of Object.values(ERROR_PHRASES)) expect(table, phrase).toContain(`| \`${phrase}\``);
  });
});
