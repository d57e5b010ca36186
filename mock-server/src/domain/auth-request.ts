import { phrased } from "./error-phrases.js";
import { ERROR_CODES, ScalekitError } from "./errors.js";
import { describeInstant, MOCK_TIME_MAX } from "./mock-time.js";
import { randomChars, randomUrlSafe, randomUuid, UUID_PATTERN, type RandomSource } from "./random-source.js";
import { OTP_LENGTH, type OtpCharset, type PasswordlessType, type Settings } from "./settings.js";
import { needsCode, needsLink, type ValidSend } from "./validation.js";

export type TemplateType = ValidSend["template"];

/** What one email carries: a code, a link token, or both. */
export interface Credentials {
  code?: string;
  linkToken?: string;
  /** 0 for the first send; +1 each time a resend issues new credentials. */
  generation: number;
}

export type AuthRequestStatus = "pending" | "verified" | "locked";

export interface AuthRequest {
  id: string;
  environmentId: string;
  email: string;
  state?: string;
  template: TemplateType;
  passwordlessType: PasswordlessType;
  /** Set only for ALPHANUMERIC codes: absent means NUMERIC, so numeric requests and their snapshots read as before. */
  otpCharset?: OtpCharset;
  magiclinkAuthUri?: string;
  templateVariables: Record<string, string>;
  /** Seconds, as asked for (or the environment default). */
  expiresIn: number;
  createdAt: number;
  expiresAt: number;
  /** This was the nth send to this address in its environment (1-based). */
  sendIndex: number;
  attempts: number;
  maxAttempts: number;
  resends: number;
  status: AuthRequestStatus;
  verifiedAt?: number;
  credentials: Credentials;
  /** Link tokens replaced by a resend with new credentials; they no longer verify. */
  retiredLinkTokens: string[];
}

export interface Verification {
  email: string;
  state?: string;
  template: TemplateType;
  passwordlessType: PasswordlessType;
}

export interface RequestContext {
  environmentId: string;
  settings: Settings;
  random: RandomSource;
  now: number;
}

// Deviation D18: addresses match case-insensitively
/** Lower-cased address: the key that numbers sends and scopes randomness. */
export function addressKey(email: string): string {
  return email.toLowerCase();
}

// Deviation D40: link tokens are a UUID plus "_l", as the docs' example
/** Ends every link token the mock issues. */
const LINK_TOKEN_SUFFIX = "_l";

// Deviation D46: ALPHANUMERIC codes are upper-case A–Z and 0–9, compared case-sensitively
/** The characters of a code of each charset. */
export const OTP_ALPHABETS: Readonly<Record<OtpCharset, string>> = {
  NUMERIC: "0123456789",
  ALPHANUMERIC: "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789",
};

/** A code of the given charset and any length otpLength allows. */
export function codePattern(charset: OtpCharset): RegExp {
  return new RegExp(`^[${OTP_ALPHABETS[charset]}]{${OTP_LENGTH.min},${OTP_LENGTH.max}}$`);
}

/** The shapes of what issueCredentials makes; a snapshot may hold no other code or link token. */
export const ISSUED_CREDENTIALS = {
  // The ALPHANUMERIC alphabet holds the NUMERIC one.
  code: codePattern("ALPHANUMERIC"),
  linkToken: new RegExp(`^${UUID_PATTERN}${LINK_TOKEN_SUFFIX}$`),
} as const;

/**
 * Credentials for the given generation of a send. They derive from
 * (environment, address, nth send, generation) only, so parallel tests on
 * other addresses cannot change them.
 */
export function issueCredentials(
  ctx: Pick<RequestContext, "environmentId" | "random">,
  email: string,
  sendIndex: number,
  generation: number,
  type: PasswordlessType,
  otpLength: number,
  otpCharset: OtpCharset = "NUMERIC",
): Credentials {
  // Deviation D41: credentials derive from the seed, not random
  const scope = [ctx.environmentId, addressKey(email), sendIndex, generation] as const;
  return {
    generation,
    ...(needsCode(type) && { code: randomChars(ctx.random.stream(...scope, "code"), OTP_ALPHABETS[otpCharset], otpLength) }),
    ...(needsLink(type) && { linkToken: `${randomUuid(ctx.random.stream(...scope, "link_token"))}${LINK_TOKEN_SUFFIX}` }),
  };
}

/**
 * When an auth request made at `now` for `expiresIn` seconds expires. Refused
 * when that is past the end of mock time: the mock never stores an instant it
 * could not write (a clock set near year 9999 plus a long expires_in).
 */
export function expiryOf(now: number, expiresIn: number): number {
  // Deviation D36: an expiry past the end of mock time is refused
  const expiresAt = now + expiresIn * 1000;
  if (!(expiresAt <= MOCK_TIME_MAX)) {
    throw new ScalekitError(
      "FailedPrecondition",
      ERROR_CODES.mockTimeOutOfRange,
      `the auth request would expire at ${describeInstant(expiresAt)} (mock clock ${describeInstant(now)} plus ${expiresIn}s), after the end of mock time, ${describeInstant(MOCK_TIME_MAX)}. Set the mock clock earlier or ask for a shorter expires_in`,
      { field: "expires_in" },
    );
  }
  return expiresAt;
}

/** Opens the auth request of a validated send, issuing its first credentials. */
export function openAuthRequest(ctx: RequestContext, send: ValidSend, sendIndex: number): AuthRequest {
  const type = ctx.settings.passwordlessType;
  // The charset, like the length, is fixed at send: a resend with new credentials keeps both.
  const otpCharset = needsCode(type) ? ctx.settings.otpCharset : "NUMERIC";
  const id = randomUrlSafe(ctx.random.stream(ctx.environmentId, addressKey(send.email), sendIndex, "auth_request_id"), 50);
  return {
    id,
    environmentId: ctx.environmentId,
    email: send.email,
    ...(send.state !== undefined && { state: send.state }),
    template: send.template,
    passwordlessType: type,
    ...(otpCharset !== "NUMERIC" && { otpCharset }),
    ...(send.magiclinkAuthUri !== undefined && { magiclinkAuthUri: send.magiclinkAuthUri }),
    templateVariables: send.templateVariables,
    expiresIn: send.expiresIn,
    createdAt: ctx.now,
    expiresAt: expiryOf(ctx.now, send.expiresIn),
    sendIndex,
    attempts: 0,
    maxAttempts: ctx.settings.maxAttempts,
    resends: 0,
    status: "pending",
    credentials: issueCredentials(ctx, send.email, sendIndex, 0, type, ctx.settings.otpLength, otpCharset),
    // Shared until a resend retires a token: most auth requests never have one.
    retiredLinkTokens: NO_RETIRED_TOKENS as string[],
  };
}

const NO_RETIRED_TOKENS: readonly string[] = Object.freeze([]);

export function isExpired(request: AuthRequest, now: number): boolean {
  return now >= request.expiresAt;
}

/** "pending" | "verified" | "locked" | "expired", as the control API reports it. */
export function describeStatus(request: AuthRequest, now: number): AuthRequestStatus | "expired" {
  return request.status === "pending" && isExpired(request, now) ? "expired" : request.status;
}

/**
 * The magic link emailed for a token: the app's URI with `link_token` in its
 * query, as a URL parser sees it, not as text: before a `#fragment` (which
 * the browser keeps to itself), and replacing a `link_token` the URI already
 * had, so the app reads exactly one. The send checked that the URI parses.
 */
export function magicLink(request: AuthRequest): string | undefined {
  const token = request.credentials.linkToken;
  if (token === undefined || request.magiclinkAuthUri === undefined) return undefined;
  // Deviation D44: link_token set in the query by URL rules, the query re-encoded
  const url = new URL(request.magiclinkAuthUri);
  url.searchParams.set("link_token", token);
  return url.href;
}

// Deviation D8: resend refused when verified or locked, allowed when expired
/**
 * Resends an auth request: renews its expiry and either keeps its credentials
 * or, with `newCredentialsOnResend` or once it has expired, issues new ones
 * (the old ones stop working and the attempt count starts over).
 */
/** Throws the error a resend of this request answers now, without changing it. */
export function assertResendable(ctx: RequestContext, request: AuthRequest): void {
  if (request.status === "verified") {
    throw new ScalekitError(
      "FailedPrecondition",
      ERROR_CODES.authRequestVerified,
      `auth request "${request.id}" was already verified; send a new email instead of resending`,
    );
  }
  if (request.status === "locked") {
    throw new ScalekitError(
      "FailedPrecondition",
      ERROR_CODES.authRequestLocked,
      `auth request "${request.id}" is locked after too many wrong attempts; send a new email instead of resending`,
    );
  }
  if (request.resends >= ctx.settings.maxResends) {
    throw new ScalekitError(
      "ResourceExhausted",
      ERROR_CODES.resendLimitExceeded,
      phrased("tooManyResends", `auth request "${request.id}" was already resent ${request.resends} time${request.resends === 1 ? "" : "s"} (limit ${ctx.settings.maxResends}); send a new email`),
    );
  }
  expiryOf(ctx.now, request.expiresIn);
}

export function resendAuthRequest(ctx: RequestContext, request: AuthRequest): AuthRequest {
  assertResendable(ctx, request);
  // Deviation D7: resend renews the expiry; new credentials reset attempts
  const expiresAt = expiryOf(ctx.now, request.expiresIn);
  // Deviation D8: a resend after expiry always issues new credentials
  // An expired code or link must never work again: a renewed expiry would
  // otherwise revive what the user may already have been told is dead.
  const renew = ctx.settings.newCredentialsOnResend || isExpired(request, ctx.now);
  request.resends += 1;
  request.expiresAt = expiresAt;
  if (renew) {
    const old = request.credentials;
    if (old.linkToken !== undefined) request.retiredLinkTokens = [...request.retiredLinkTokens, old.linkToken];
    request.credentials = issueCredentials(
      ctx,
      request.email,
      request.sendIndex,
      old.generation + 1,
      request.passwordlessType,
      old.code?.length ?? ctx.settings.otpLength,
      request.otpCharset,
    );
    request.attempts = 0;
  }
  return request;
}
