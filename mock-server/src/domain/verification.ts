import { isExpired, type AuthRequest, type Verification } from "./auth-request.js";
import { phrased } from "./error-phrases.js";
import { ERROR_CODES, ScalekitError } from "./errors.js";
import type { PasswordlessType, Settings } from "./settings.js";

/**
 * Verifying an auth request by code or by magic link token: the checks in
 * the order the service applies them, the attempt count and the lock.
 */

function ago(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  return s < 120 ? `${s}s` : `${Math.round(s / 60)}m`;
}

/** Fails unless the request can still be verified. */
function assertVerifiable(request: AuthRequest, now: number): void {
  if (request.status === "verified") {
    throw new ScalekitError(
      "FailedPrecondition",
      ERROR_CODES.authRequestVerified,
      phrased("verificationFailed", `auth request "${request.id}" was already verified; codes and magic links are single use. Send a new email to sign in again.`),
    );
  }
  if (request.status === "locked") {
    throw new ScalekitError(
      "ResourceExhausted",
      ERROR_CODES.tooManyAttempts,
      phrased("tooManyAttempts", `auth request "${request.id}" is locked after ${request.attempts} wrong attempts (limit ${request.maxAttempts}). Send a new email.`),
    );
  }
  if (isExpired(request, now)) {
    throw new ScalekitError(
      "FailedPrecondition",
      ERROR_CODES.authRequestExpired,
      phrased("authRequestExpired", `"${request.id}" expired ${ago(now - request.expiresAt)} ago. Resend it for a new code or link, or send a new email.`),
    );
  }
}

/** Counts a wrong credential; the attempt that reaches the limit locks the request. */
function countWrongAttempt(request: AuthRequest): string {
  request.attempts += 1;
  const left = request.maxAttempts - request.attempts;
  if (left <= 0) {
    request.status = "locked";
    return "no attempts left: the auth request is now locked";
  }
  return `${left} attempt${left === 1 ? "" : "s"} left`;
}

/** The method a verify completed: a code is OTP, a magic link token is LINK. */
export type VerifiedMethod = Exclude<PasswordlessType, "LINK_OTP">;

function verified(request: AuthRequest, now: number, method: VerifiedMethod): Verification {
  request.status = "verified";
  request.verifiedAt = now;
  return {
    email: request.email,
    ...(request.state !== undefined && { state: request.state }),
    template: request.template,
    // Deviation D47: verify reports the method completed, also for LINK_OTP
    // The descriptor: "the type of passwordless authentication that was successfully
    // verified, confirming which method the user completed". Send and resend still
    // answer the environment's type; an OTP request has no link and a LINK request
    // no code, so for those the method is their type anyway.
    passwordlessType: method,
  };
}

/** Checks an OTP code against its auth request. Mutates attempts and status. */
export function verifyCode(request: AuthRequest, code: string, now: number): Verification {
  assertVerifiable(request, now);
  const expected = request.credentials.code;
  if (expected === undefined) {
    throw new ScalekitError(
      "FailedPrecondition",
      ERROR_CODES.otpNotIssued,
      `auth request "${request.id}" was sent as ${request.passwordlessType}, which has no OTP code; verify its link_token instead`,
    );
  }
  // Deviation D46: codes compare case-sensitively ("ab12cd" is not "AB12CD")
  if (code !== expected) {
    const outcome = countWrongAttempt(request);
    throw new ScalekitError("InvalidArgument", ERROR_CODES.otpInvalid, phrased("verificationFailed", `invalid code for auth request "${request.id}": ${outcome}`), {
      field: "code",
    });
  }
  return verified(request, now, "OTP");
}

/**
 * Checks a magic link token against `request`: the auth request the verify
 * call named by `auth_request_id` when it named one (`named`), otherwise the
 * one the token was issued for (found by the caller).
 */
export function verifyLinkToken(
  request: AuthRequest,
  linkToken: string,
  named: boolean,
  settings: Pick<Settings, "enforceSameOrigin">,
  now: number,
): Verification {
  if (!named && settings.enforceSameOrigin) {
    throw new ScalekitError(
      "PermissionDenied",
      ERROR_CODES.sameOriginRequired,
      phrased(
        "authRequestIdRequired",
        "same-origin enforcement is on, so verify the magic link with the auth_request_id returned by send, from the browser that started the sign-in",
      ),
      { field: "auth_request_id" },
    );
  }
  if (request.retiredLinkTokens.includes(linkToken)) {
    throw new ScalekitError(
      "InvalidArgument",
      ERROR_CODES.linkTokenInvalid,
      phrased("verificationFailed", `this magic link was replaced by a newer one when auth request "${request.id}" was resent; use the link from the latest email`),
      { field: "link_token" },
    );
  }
  assertVerifiable(request, now);
  // Deviation D10: a wrong link token for a named request counts an attempt
  // Whether the token is unknown or another request's, the answer is the same,
  // so a verify reveals nothing about tokens that are not the named request's.
  if (request.credentials.linkToken !== linkToken) {
    const outcome = countWrongAttempt(request);
    throw new ScalekitError("InvalidArgument", ERROR_CODES.linkTokenInvalid, phrased("verificationFailed", `invalid link_token for auth request "${request.id}": ${outcome}`), {
      field: "link_token",
    });
  }
  return verified(request, now, "LINK");
}
