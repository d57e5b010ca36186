import { describe, expect, it } from "vitest";
import { SeededRandom } from "./seeded-random.js";
import {
  describeStatus,
  issueCredentials,
  magicLink,
  openAuthRequest,
  resendAuthRequest,
  type AuthRequest,
  type RequestContext,
} from "./auth-request.js";
import { verifyCode, verifyLinkToken } from "./verification.js";
import { ScalekitError } from "./errors.js";
import { defaultSettings, type Settings } from "./settings.js";
import { validateSend } from "./validation.js";

const T0 = Date.UTC(2026, 0, 1);

function ctx(overrides: Partial<Settings> = {}, now = T0): RequestContext {
  return { environmentId: "env", settings: { ...defaultSettings(), ...overrides }, random: new SeededRandom("seed"), now };
}

function open(overrides: Partial<Settings> = {}, send: Record<string, unknown> = {}, sendIndex = 1): AuthRequest {
  const c = ctx(overrides);
  const valid = validateSend(
    { email: "ana@example.com", templateVariables: {}, magiclinkAuthUri: "https://app.test/cb", state: "st", ...send },
    c.settings,
  );
  return openAuthRequest(c, valid, sendIndex);
}

function failure(fn: () => unknown): ScalekitError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ScalekitError) return error;
    throw error;
  }
  throw new Error("expected a ScalekitError");
}

describe("issuing credentials", () => {
  it("D5: gives an OTP request a 6-digit code and no link", () => {
    const request = open();
    expect(request.credentials.code).toMatch(/^\d{6}$/);
    expect(request.credentials.linkToken).toBeUndefined();
    expect(magicLink(request)).toBeUndefined();
  });

  it("honours otpLength", () => {
    expect(open({ otpLength: 8 }).credentials.code).toMatch(/^\d{8}$/);
  });

  it("D40: gives a LINK request a <uuid>_l token and no code", () => {
    const request = open({ passwordlessType: "LINK" });
    expect(request.credentials.code).toBeUndefined();
    expect(request.credentials.linkToken).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}_l$/);
    expect(magicLink(request)).toBe(`https://app.test/cb?link_token=${request.credentials.linkToken}`);
  });

  it("appends link_token with & when the URI already has a query", () => {
    const request = open({ passwordlessType: "LINK" }, { magiclinkAuthUri: "https://app.test/cb?next=%2Fhome" });
    expect(magicLink(request)).toBe(`https://app.test/cb?next=%2Fhome&link_token=${request.credentials.linkToken}`);
  });

  it("gives a LINK_OTP request both", () => {
    const request = open({ passwordlessType: "LINK_OTP" });
    expect(request.credentials.code).toMatch(/^\d{6}$/);
    expect(request.credentials.linkToken).toMatch(/_l$/);
  });

  it("D41: derives ids and credentials from environment, address and nth send only", () => {
    const a = open({ passwordlessType: "LINK_OTP" });
    const b = open({ passwordlessType: "LINK_OTP" });
    expect(b.id).toBe(a.id);
    expect(b.credentials).toEqual(a.credentials);
    expect(a.id).toMatch(/^[A-Za-z0-9_-]{50}$/);
    const second = open({ passwordlessType: "LINK_OTP" }, {}, 2);
    expect(second.id).not.toBe(a.id);
    expect(second.credentials.code).not.toBe(a.credentials.code);
    const otherEnv = issueCredentials({ environmentId: "other", random: new SeededRandom("seed") }, "ana@example.com", 1, 0, "LINK_OTP", 6);
    expect(otherEnv.linkToken).not.toBe(a.credentials.linkToken);
    const sameAddressOtherCase = issueCredentials({ environmentId: "env", random: new SeededRandom("seed") }, "ANA@example.com", 1, 0, "LINK_OTP", 6);
    expect(sameAddressOtherCase).toEqual(a.credentials);
  });

  it("D46: issues ALPHANUMERIC codes of upper-case letters and digits at every otpLength from 4 to 10", () => {
    for (let otpLength = 4; otpLength <= 10; otpLength++) {
      const request = open({ otpCharset: "ALPHANUMERIC", otpLength });
      expect(request.credentials.code).toMatch(new RegExp(`^[A-Z0-9]{${otpLength}}$`));
      expect(request.otpCharset).toBe("ALPHANUMERIC");
    }
    const codes = Array.from({ length: 40 }, (_, i) => open({ otpCharset: "ALPHANUMERIC", otpLength: 10 }, {}, i + 1).credentials.code!).join("");
    expect(codes, "letters and digits both occur").toMatch(/[A-Z].*[0-9]|[0-9].*[A-Z]/);
  });

  it("D5: issues NUMERIC codes by default, the same digits as before there was a charset, and marks no charset on the request", () => {
    const numeric = open({ otpCharset: "NUMERIC" });
    expect(numeric.credentials.code).toBe(open().credentials.code);
    expect(numeric.credentials.code).toMatch(/^\d{6}$/);
    expect("otpCharset" in numeric).toBe(false);
  });

  it("D46: keeps the charset of the send when a resend issues new credentials, whatever the setting says by then", () => {
    const request = open({ otpCharset: "ALPHANUMERIC", otpLength: 8, newCredentialsOnResend: true });
    const resent = resendAuthRequest(ctx({ otpCharset: "NUMERIC", otpLength: 4, newCredentialsOnResend: true }), request);
    expect(resent.credentials.generation).toBe(1);
    expect(resent.credentials.code).toMatch(/^[A-Z0-9]{8}$/);
    expect(resent.otpCharset).toBe("ALPHANUMERIC");
  });

  it("D2: expires expires_in seconds after the send, default 300", () => {
    expect(open().expiresAt).toBe(T0 + 300_000);
    expect(open({}, { expiresIn: 60 }).expiresAt).toBe(T0 + 60_000);
  });
});

describe("verifying a code", () => {
  it("D46: refuses an ALPHANUMERIC code lower-cased, counting a wrong attempt, and accepts it as issued", () => {
    // The first of the first sends whose code has a letter (nearly every one of ten characters has).
    const request = Array.from({ length: 20 }, (_, i) => open({ otpCharset: "ALPHANUMERIC", otpLength: 10 }, {}, i + 1)).find((r) => /[A-Z]/.test(r.credentials.code!));
    expect(request, "a code with a letter").toBeDefined();
    const code = request!.credentials.code!;
    const error = failure(() => verifyCode(request!, code.toLowerCase(), T0));
    expect([error.status, error.errorCode]).toEqual(["InvalidArgument", "OTP_INVALID"]);
    expect(request!.attempts).toBe(1);
    expect(verifyCode(request!, code, T0).email).toBe("ana@example.com");
  });

  it("returns who was verified, with state and template", () => {
    const request = open({}, { template: "SIGNUP" });
    expect(verifyCode(request, request.credentials.code!, T0 + 1000)).toEqual({
      email: "ana@example.com",
      state: "st",
      template: "SIGNUP",
      passwordlessType: "OTP",
    });
    expect(request.status).toBe("verified");
  });

  it("is single use", () => {
    const request = open();
    verifyCode(request, request.credentials.code!, T0);
    const error = failure(() => verifyCode(request, request.credentials.code!, T0));
    expect([error.status, error.errorCode]).toEqual(["FailedPrecondition", "AUTH_REQUEST_ALREADY_VERIFIED"]);
  });

  it("counts a wrong code and keeps the request usable until the limit", () => {
    const request = open({ maxAttempts: 3 });
    const error = failure(() => verifyCode(request, "000000x", T0));
    expect([error.status, error.errorCode]).toEqual(["InvalidArgument", "OTP_INVALID"]);
    expect(error.message).toContain("2 attempts left");
    expect(request.attempts).toBe(1);
    expect(verifyCode(request, request.credentials.code!, T0).email).toBe("ana@example.com");
  });

  it("locks the request at the attempt limit, even against the right code", () => {
    const request = open({ maxAttempts: 2 });
    failure(() => verifyCode(request, "bad", T0));
    expect(failure(() => verifyCode(request, "bad", T0)).message).toContain("locked");
    expect(request.status).toBe("locked");
    const error = failure(() => verifyCode(request, request.credentials.code!, T0));
    expect([error.status, error.errorCode]).toEqual(["ResourceExhausted", "TOO_MANY_ATTEMPTS"]);
  });

  it("D3: allows 5 wrong attempts by default", () => {
    const request = open();
    for (let i = 0; i < 4; i++) failure(() => verifyCode(request, "bad", T0));
    expect(request.status).toBe("pending");
    failure(() => verifyCode(request, "bad", T0));
    expect(request.status).toBe("locked");
  });

  it("fails once the request has expired", () => {
    const request = open();
    expect(describeStatus(request, T0 + 299_999)).toBe("pending");
    const error = failure(() => verifyCode(request, request.credentials.code!, T0 + 300_000 + 12_000));
    expect([error.status, error.errorCode]).toEqual(["FailedPrecondition", "AUTH_REQUEST_EXPIRED"]);
    expect(error.message).toContain("expired 12s ago");
    expect(describeStatus(request, T0 + 300_000)).toBe("expired");
  });

  it("refuses a code for a link-only request", () => {
    const request = open({ passwordlessType: "LINK" });
    expect(failure(() => verifyCode(request, "123456", T0)).errorCode).toBe("OTP_NOT_ISSUED");
  });
});

describe("verifying a magic link", () => {
  const settings = { enforceSameOrigin: false };

  it("works with or without auth_request_id", () => {
    const a = open({ passwordlessType: "LINK" });
    expect(verifyLinkToken(a, a.credentials.linkToken!, false, settings, T0).email).toBe("ana@example.com");
    const b = open({ passwordlessType: "LINK" }, {}, 2);
    expect(verifyLinkToken(b, b.credentials.linkToken!, true, settings, T0).passwordlessType).toBe("LINK");
  });

  it("is single use", () => {
    const request = open({ passwordlessType: "LINK" });
    verifyLinkToken(request, request.credentials.linkToken!, false, settings, T0);
    expect(failure(() => verifyLinkToken(request, request.credentials.linkToken!, false, settings, T0)).errorCode).toBe(
      "AUTH_REQUEST_ALREADY_VERIFIED",
    );
  });

  it("requires auth_request_id when same-origin is enforced", () => {
    const request = open({ passwordlessType: "LINK" });
    const error = failure(() => verifyLinkToken(request, request.credentials.linkToken!, false, { enforceSameOrigin: true }, T0));
    expect([error.status, error.errorCode]).toEqual(["PermissionDenied", "SAME_ORIGIN_REQUIRED"]);
    expect(verifyLinkToken(request, request.credentials.linkToken!, true, { enforceSameOrigin: true }, T0).email).toBe("ana@example.com");
  });

  it("D10: answers another request's token, given with this request's id, as it answers an unknown token: a wrong attempt", () => {
    const owner = open({ passwordlessType: "LINK", maxAttempts: 2 });
    const named = open({ passwordlessType: "LINK", maxAttempts: 2 }, {}, 2);
    const twin = open({ passwordlessType: "LINK", maxAttempts: 2 }, {}, 3);
    const others = failure(() => verifyLinkToken(named, owner.credentials.linkToken!, true, settings, T0));
    const unknown = failure(() => verifyLinkToken(twin, "00000000-0000-4000-8000-000000000000_l", true, settings, T0));
    expect([others.status, others.errorCode, others.field]).toEqual(["InvalidArgument", "LINK_TOKEN_INVALID", "link_token"]);
    expect(others.message.replace(named.id, "<id>")).toBe(unknown.message.replace(twin.id, "<id>"));
    expect(named.attempts).toBe(1);
    failure(() => verifyLinkToken(named, owner.credentials.linkToken!, true, settings, T0));
    expect(named.status).toBe("locked");
    expect([owner.attempts, owner.status], "the token's own request is not touched").toEqual([0, "pending"]);
  });

  it("D10: counts a wrong link token given with its auth_request_id as a wrong attempt", () => {
    const request = open({ passwordlessType: "LINK", maxAttempts: 2 });
    const error = failure(() => verifyLinkToken(request, "00000000-0000-4000-8000-000000000000_l", true, settings, T0));
    expect([error.status, error.errorCode]).toEqual(["InvalidArgument", "LINK_TOKEN_INVALID"]);
    expect(request.attempts).toBe(1);
    failure(() => verifyLinkToken(request, "00000000-0000-4000-8000-000000000000_l", true, settings, T0));
    expect(request.status).toBe("locked");
  });

  it("fails once expired", () => {
    const request = open({ passwordlessType: "LINK" });
    expect(failure(() => verifyLinkToken(request, request.credentials.linkToken!, false, settings, T0 + 301_000)).errorCode).toBe(
      "AUTH_REQUEST_EXPIRED",
    );
  });
});

describe("the passwordless type verify reports", () => {
  const settings = { enforceSameOrigin: false };

  it("D47: is OTP for a LINK_OTP request verified by its code, LINK for one verified by its link", () => {
    const byCode = open({ passwordlessType: "LINK_OTP" });
    expect(verifyCode(byCode, byCode.credentials.code!, T0).passwordlessType).toBe("OTP");
    const byLink = open({ passwordlessType: "LINK_OTP" }, {}, 2);
    expect(verifyLinkToken(byLink, byLink.credentials.linkToken!, false, settings, T0).passwordlessType).toBe("LINK");
    expect([byCode.passwordlessType, byLink.passwordlessType], "the request keeps the environment's type").toEqual(["LINK_OTP", "LINK_OTP"]);
  });

  it("is the request's own type for OTP and LINK requests", () => {
    const otp = open();
    expect(verifyCode(otp, otp.credentials.code!, T0).passwordlessType).toBe("OTP");
    const link = open({ passwordlessType: "LINK" });
    expect(verifyLinkToken(link, link.credentials.linkToken!, true, settings, T0).passwordlessType).toBe("LINK");
  });
});

describe("resending", () => {
  it("D7: re-sends the same credentials and renews the expiry by default", () => {
    const request = open({ passwordlessType: "LINK_OTP" });
    const before = { ...request.credentials };
    resendAuthRequest(ctx({}, T0 + 200_000), request);
    expect(request.credentials).toEqual(before);
    expect(request.expiresAt).toBe(T0 + 200_000 + 300_000);
    expect(request.resends).toBe(1);
    expect(verifyCode(request, before.code!, T0 + 400_000).email).toBe("ana@example.com");
  });

  it("D7: issues new credentials with newCredentialsOnResend, the old ones stop working and the attempt count starts over", () => {
    const request = open({ passwordlessType: "LINK_OTP" });
    const old = { ...request.credentials };
    failure(() => verifyCode(request, "bad", T0));
    resendAuthRequest(ctx({ newCredentialsOnResend: true }), request);
    expect(request.credentials.generation).toBe(1);
    expect(request.credentials.code).not.toBe(old.code);
    expect(request.credentials.linkToken).not.toBe(old.linkToken);
    expect(request.attempts).toBe(0);
    expect(failure(() => verifyCode(request, old.code!, T0)).errorCode).toBe("OTP_INVALID");
    expect(failure(() => verifyLinkToken(request, old.linkToken!, false, { enforceSameOrigin: false }, T0)).message).toContain("replaced");
    expect(verifyLinkToken(request, request.credentials.linkToken!, false, { enforceSameOrigin: false }, T0).email).toBe("ana@example.com");
  });

  it("stops at maxResends", () => {
    const request = open({ maxResends: 1 });
    resendAuthRequest(ctx({ maxResends: 1 }), request);
    const error = failure(() => resendAuthRequest(ctx({ maxResends: 1 }), request));
    expect([error.status, error.errorCode]).toEqual(["ResourceExhausted", "RESEND_LIMIT_EXCEEDED"]);
  });

  it("D4: allows 5 resends by default, then answers RESEND_LIMIT_EXCEEDED", () => {
    const request = open();
    for (let i = 0; i < 5; i++) resendAuthRequest(ctx(), request);
    const error = failure(() => resendAuthRequest(ctx(), request));
    expect([error.status, error.errorCode]).toEqual(["ResourceExhausted", "RESEND_LIMIT_EXCEEDED"]);
  });

  it("D8: resends an expired request with new credentials and a renewed expiry, even without newCredentialsOnResend", () => {
    const request = open({ passwordlessType: "LINK_OTP" });
    const old = { ...request.credentials };
    failure(() => verifyCode(request, "bad", T0));
    const later = T0 + 400_000;
    expect(describeStatus(request, later)).toBe("expired");
    resendAuthRequest(ctx({ newCredentialsOnResend: false }, later), request);
    expect(request.expiresAt).toBe(later + 300_000);
    expect(request.credentials.generation).toBe(1);
    expect([request.credentials.code, request.credentials.linkToken]).not.toContain(old.code);
    expect(request.credentials.linkToken).not.toBe(old.linkToken);
    expect(request.attempts, "new credentials get a fresh attempt budget").toBe(0);
    expect(failure(() => verifyCode(request, old.code!, later)).errorCode, "the expired code never works again").toBe("OTP_INVALID");
    expect(failure(() => verifyLinkToken(request, old.linkToken!, false, { enforceSameOrigin: false }, later)).message).toContain("replaced");
    expect(verifyCode(request, request.credentials.code!, later).email).toBe("ana@example.com");
  });

  it("D8: keeps the credentials of a resend just before expiry", () => {
    const request = open();
    const code = request.credentials.code;
    resendAuthRequest(ctx({}, T0 + 299_999), request);
    expect(request.credentials).toEqual({ generation: 0, code });
  });

  it("D8: refuses verified and locked requests", () => {
    const verified = open();
    verifyCode(verified, verified.credentials.code!, T0);
    expect(failure(() => resendAuthRequest(ctx(), verified)).errorCode).toBe("AUTH_REQUEST_ALREADY_VERIFIED");
    const locked = open({ maxAttempts: 1 });
    failure(() => verifyCode(locked, "bad", T0));
    expect(failure(() => resendAuthRequest(ctx(), locked)).errorCode).toBe("AUTH_REQUEST_LOCKED");
  });
});
