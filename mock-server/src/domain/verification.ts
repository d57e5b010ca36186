import { isExpired, type AuthRequest, type Verification } from "./auth-request.js";
import { ERROR_CODES, ScalekitError } from "./errors.js";
import type { Settings } from "./settings.js";

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
      `auth request "${request.id}" was already verified; codes and magic links are single use. Send a new email to sign in again.`,
    );
  }
  if (request.status === "locked") {
    throw new ScalekitError(
      "ResourceExhausted",
      ERROR_CODES.tooManyAttempts,
      `auth request "${request.id}" is locked after ${request.attempts} wrong attempts (limit ${request.maxAttempts}). Send a new email.`,
    );
  }
  if (isExpired(request, now)) {
    throw new ScalekitError(
      "FailedPrecondition",
      ERROR_CODES.authRequestExpired,
      `auth request "${request.id}" expired ${ago(now - request.expiresAt)} ago. Resend or send a new email.`,
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

function verified(request: AuthRequest, now: number): Verification {
  request.status = "verified";
  request.verifiedAt = now;
  return {
    email: request.email,
    ...(request.state !== undefined && { state: request.state }),
    template: request.template,
    passwordlessType: request.passwordlessType,
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
    throw new ScalekitError("InvalidArgument", ERROR_CODES.otpInvalid, `invalid code for auth request "${request.id}": ${outcome}`, {
      field: "code",
    });
  }
  return verified(request, now);
}

/**
 * Checks a magic link token. `request` is the auth request the token belongs
 * to (found by the caller); `givenAuthRequestId` is what the verify call sent.
 */
export function verifyLinkToken(
  request: AuthRequest,
  linkToken: string,
  givenAuthRequestId: string | undefined,
  settings: Pick<Settings, "enforceSameOrigin">,
  now: number,
): Verification {
  if (givenAuthRequestId !== undefined && givenAuthRequestId !== request.id) {
    throw new ScalekitError(
      "InvalidArgument",
      ERROR_CODES.authRequestMismatch,
      `link_token does not belong to auth request "${givenAuthRequestId}"`,
      { field: "auth_request_id" },
    );
  }
  if (givenAuthRequestId === undefined && settings.enforceSameOrigin) {
    throw new ScalekitError(
      "PermissionDenied",
      ERROR_CODES.sameOriginRequired,
      "same-origin enforcement is on: verify the magic link with the auth_request_id returned by send, from the browser that started the sign-in",
      { field: "auth_request_id" },
    );
  }
  if (request.retiredLinkTokens.includes(linkToken)) {
    throw new ScalekitError(
      "InvalidArgument",
      ERROR_CODES.linkTokenInvalid,
      `this magic link was replaced by a newer one when auth request "${request.id}" was resent; use the link from the latest email`,
      { field: "link_token" },
    );
  }
  assertVerifiable(request, now);
  // Deviation D10: a wrong link token for a known request counts an attempt
  if (request.credentials.linkToken !== linkToken) {
    const outcome = countWrongAttempt(request);
    throw new ScalekitError("InvalidArgument", ERROR_CODES.linkTokenInvalid, `invalid link_token for auth request "${request.id}": ${outcome}`, {
      field: "link_token",
    });
  }
  return verified(request, now);
}
