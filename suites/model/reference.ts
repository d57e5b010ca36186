/**
 * A small reference model of the passwordless rules, written from the
 * documentation (README, docs/errors.md, docs/deviations.md,
 * docs/control-api.md), not from the mock's code: what a send, resend or
 * verify should answer, and what it changes. It knows nothing the mock
 * chooses at random (ids, codes, link tokens); the test reads those from the
 * inbox and hands them in.
 */

import type { ErrorCode, ModelSettings, OtpCharset, PasswordlessType, Template } from "./reference-tables.js";

export * from "./reference-tables.js";

export interface ModelRequest {
  id: string;
  email: string;
  state?: string;
  template: Template;
  /** Fixed at send: later settings changes do not change what a request issues. */
  type: PasswordlessType;
  /** Fixed at send, like the type: the alphabet of every code the request issues. */
  charset: OtpCharset;
  uri?: string;
  expiresIn: number;
  expiresAt: number;
  attempts: number;
  /** The environment's maxAttempts when the request was sent. */
  maxAttempts: number;
  resends: number;
  status: "pending" | "verified" | "locked";
  code?: string;
  linkToken?: string;
  generation: number;
  /** Link tokens replaced by resends with new credentials. */
  retired: string[];
}

/** What the model knows of every email, captured or expected. */
interface EmailFacts {
  seq: number;
  authRequestId: string;
  kind: "send" | "resend";
  to: string;
  template: Template;
  date: number;
  expiresAt: number;
}

export interface ModelEmail extends EmailFacts {
  id: string;
  otp?: string;
  linkToken?: string;
  link?: string;
  generation: number;
}

/** What one environment holds; a snapshot copies exactly this. */
export interface EnvState {
  settings: ModelSettings;
  /** The environment's (frozen) clock, epoch ms. */
  now: number;
  /** In the order they were sent. */
  requests: Map<string, ModelRequest>;
  /** Oldest first. */
  emails: ModelEmail[];
  nextSeq: number;
  /** Fault rules listed (a used-up rule stays listed), and how many emails `mail: "drop"` rules will still swallow. */
  faultRules: number;
  pendingMailDrops: number;
}

export function newEnvState(settings: ModelSettings, now: number): EnvState {
  return { settings, now, requests: new Map(), emails: [], nextSeq: 1, faultRules: 0, pendingMailDrops: 0 };
}

export function cloneState(state: EnvState): EnvState {
  return {
    settings: { ...state.settings },
    now: state.now,
    requests: new Map([...state.requests].map(([id, r]) => [id, { ...r, retired: [...r.retired] }])),
    emails: state.emails.map((e) => ({ ...e })),
    nextSeq: state.nextSeq,
    faultRules: state.faultRules,
    pendingMailDrops: state.pendingMailDrops,
  };
}

export type Predicted<T> = { ok: true; value: T } | { ok: false; error: ErrorCode };
const fail = (error: ErrorCode): { ok: false; error: ErrorCode } => ({ ok: false, error });

export const needsCode = (type: PasswordlessType) => type !== "LINK";
export const needsLink = (type: PasswordlessType) => type !== "OTP";

/** The magic link of an email: the app's URI with `link_token` set in its query (D44). */
export function magicLink(uri: string, token: string): string {
  const url = new URL(uri);
  url.searchParams.set("link_token", token);
  return url.href;
}

export interface SendInput {
  email: string;
  template?: Template;
  state?: string;
  uri?: string;
  expiresIn?: number;
}

export interface SendAnswer {
  expires_at: number;
  expires_in: number;
  passwordless_type: PasswordlessType;
}

/** The email a send or resend should capture; `fresh` credentials are new values the model learns from the inbox. */
export interface ExpectedEmail extends EmailFacts {
  code?: { fresh: true; length: number; charset: OtpCharset } | { fresh: false; value: string };
  linkToken?: { fresh: true; retired: string[] } | { fresh: false; value: string };
  uri?: string;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Send: field rules first (any broken one is INVALID_ARGUMENT), then the magic link URI a link type needs. */
export function predictSend(state: EnvState, input: SendInput): Predicted<SendAnswer> {
  const s = state.settings;
  const expiresIn = input.expiresIn ?? s.defaultExpiresIn;
  if (!EMAIL.test(input.email) || expiresIn < s.minExpiresIn || expiresIn > s.maxExpiresIn) return fail("INVALID_ARGUMENT");
  if (needsLink(s.passwordlessType) && input.uri === undefined) return fail("MAGICLINK_AUTH_URI_REQUIRED");
  return {
    ok: true,
    value: { expires_at: Math.floor((state.now + expiresIn * 1000) / 1000), expires_in: expiresIn, passwordless_type: s.passwordlessType },
  };
}

/** Opens the auth request of a send the mock accepted with this id. */
export function openRequest(state: EnvState, input: SendInput, id: string): ExpectedEmail {
  const s = state.settings;
  const expiresIn = input.expiresIn ?? s.defaultExpiresIn;
  const request: ModelRequest = {
    id,
    email: input.email,
    ...(input.state !== undefined && { state: input.state }),
    template: input.template ?? "SIGNIN",
    type: s.passwordlessType,
    charset: s.otpCharset,
    ...(input.uri !== undefined && { uri: input.uri }),
    expiresIn,
    expiresAt: state.now + expiresIn * 1000,
    attempts: 0,
    maxAttempts: s.maxAttempts,
    resends: 0,
    status: "pending",
    generation: 0,
    retired: [],
  };
  state.requests.set(id, request);
  return expectedEmail(state, request, "send", true, s.otpLength);
}

function expectedEmail(state: EnvState, r: ModelRequest, kind: "send" | "resend", fresh: boolean, codeLength: number): ExpectedEmail {
  return {
    seq: state.nextSeq,
    authRequestId: r.id,
    kind,
    to: r.email,
    template: r.template,
    date: state.now,
    expiresAt: r.expiresAt,
    ...(needsCode(r.type) && { code: fresh ? { fresh: true, length: codeLength, charset: r.charset } : { fresh: false, value: r.code! } }),
    ...(needsLink(r.type) && { linkToken: fresh ? { fresh: true, retired: r.retired } : { fresh: false, value: r.linkToken! } }),
    ...(r.uri !== undefined && { uri: r.uri }),
  };
}

/** Resend: refused once verified or locked, or past maxResends (the current setting); allowed when expired, with new credentials. */
export function predictResend(state: EnvState, id: string): Predicted<SendAnswer> & { email?: ExpectedEmail } {
  const r = state.requests.get(id);
  if (r === undefined) return fail("AUTH_REQUEST_NOT_FOUND");
  if (r.status === "verified") return fail("AUTH_REQUEST_ALREADY_VERIFIED");
  if (r.status === "locked") return fail("AUTH_REQUEST_LOCKED");
  if (r.resends >= state.settings.maxResends) return fail("RESEND_LIMIT_EXCEEDED");
  // New credentials with newCredentialsOnResend, and always after expiry: an expired code or link never works again.
  const fresh = state.settings.newCredentialsOnResend || isExpired(state, r);
  r.resends += 1;
  r.expiresAt = state.now + r.expiresIn * 1000;
  const codeLength = r.code?.length ?? state.settings.otpLength;
  if (fresh) {
    // A new code deserves a fresh budget (docs/deviations.md); the old link stops working.
    if (r.linkToken !== undefined) r.retired = [...r.retired, r.linkToken];
    r.generation += 1;
    r.attempts = 0;
  }
  return {
    ok: true,
    value: { expires_at: Math.floor(r.expiresAt / 1000), expires_in: r.expiresIn, passwordless_type: r.type },
    email: expectedEmail(state, r, "resend", fresh, codeLength),
  };
}

/** Learns the fresh credentials of `expected` (from its email, or from the auth request when a fault swallowed the email). */
export function learn(state: EnvState, expected: ExpectedEmail, seen: { otp?: string; link_token?: string }): ModelRequest {
  const r = state.requests.get(expected.authRequestId)!;
  if (expected.code?.fresh) r.code = seen.otp!;
  if (expected.linkToken?.fresh) r.linkToken = seen.link_token!;
  return r;
}

/** Records the email the mock captured for `expected`, learning fresh credentials from it. */
export function deliver(state: EnvState, expected: ExpectedEmail, seen: { id: string; otp?: string; link_token?: string }): ModelEmail {
  const r = learn(state, expected, seen);
  const email: ModelEmail = {
    id: seen.id,
    seq: state.nextSeq++,
    authRequestId: r.id,
    kind: expected.kind,
    to: r.email,
    template: r.template,
    date: state.now,
    expiresAt: r.expiresAt,
    ...(r.code !== undefined && { otp: r.code }),
    ...(r.linkToken !== undefined && { linkToken: r.linkToken }),
    ...(r.linkToken !== undefined && r.uri !== undefined && { link: magicLink(r.uri, r.linkToken) }),
    generation: r.generation,
  };
  state.emails.push(email);
  return email;
}

export interface VerifyAnswer {
  email: string;
  state?: string;
  template: Template;
  passwordless_type: PasswordlessType;
}

export const isExpired = (state: EnvState, r: ModelRequest) => state.now >= r.expiresAt;

/** Verified, locked and expired requests refuse every credential, in that order. */
function refusal(state: EnvState, r: ModelRequest): ErrorCode | undefined {
  if (r.status === "verified") return "AUTH_REQUEST_ALREADY_VERIFIED";
  if (r.status === "locked") return "TOO_MANY_ATTEMPTS";
  if (isExpired(state, r)) return "AUTH_REQUEST_EXPIRED";
  return undefined;
}

/** A wrong credential counts an attempt; the one that reaches maxAttempts locks the request. */
function wrong(r: ModelRequest, error: ErrorCode): Predicted<VerifyAnswer> {
  r.attempts += 1;
  if (r.attempts >= r.maxAttempts) r.status = "locked";
  return fail(error);
}

/** Verify answers the method the user completed (a code is OTP, a link LINK), not the request's type (docs/deviations.md). */
function verified(r: ModelRequest, method: "OTP" | "LINK"): Predicted<VerifyAnswer> {
  r.status = "verified";
  return { ok: true, value: { email: r.email, ...(r.state !== undefined && { state: r.state }), template: r.template, passwordless_type: method } };
}

export function predictVerify(state: EnvState, input: { code?: string; linkToken?: string; authRequestId?: string }): Predicted<VerifyAnswer> {
  if (input.code !== undefined) {
    const r = state.requests.get(input.authRequestId!);
    if (r === undefined) return fail("AUTH_REQUEST_NOT_FOUND");
    const refused = refusal(state, r);
    if (refused) return fail(refused);
    if (r.code === undefined) return fail("OTP_NOT_ISSUED");
    return input.code === r.code ? verified(r, "OTP") : wrong(r, "OTP_INVALID");
  }
  const token = input.linkToken!;
  // The request named by auth_request_id decides; without one, the token's owner. Another request's token counts as a wrong one.
  const r =
    input.authRequestId !== undefined
      ? state.requests.get(input.authRequestId)
      : [...state.requests.values()].find((q) => q.linkToken === token || q.retired.includes(token));
  if (r === undefined) return fail(input.authRequestId === undefined ? "LINK_TOKEN_INVALID" : "AUTH_REQUEST_NOT_FOUND");
  if (input.authRequestId === undefined && state.settings.enforceSameOrigin) return fail("SAME_ORIGIN_REQUIRED");
  if (r.retired.includes(token)) return fail("LINK_TOKEN_INVALID");
  const refused = refusal(state, r);
  if (refused) return fail(refused);
  return token === r.linkToken ? verified(r, "LINK") : wrong(r, "LINK_TOKEN_INVALID");
}

/** `GET /otp`: the newest email to the address whose request is pending, unexpired and not superseded by new credentials. */
export function predictOtp(state: EnvState, email: string, authRequestId?: string, after?: number): { email: ModelEmail; request: ModelRequest } | undefined {
  for (let i = state.emails.length - 1; i >= 0; i--) {
    const e = state.emails[i]!;
    if (e.to.toLowerCase() !== email.toLowerCase() || (authRequestId !== undefined && e.authRequestId !== authRequestId)) continue;
    if (after !== undefined && e.seq <= after) continue;
    const r = state.requests.get(e.authRequestId);
    if (r && r.status === "pending" && !isExpired(state, r) && r.generation === e.generation) return { email: e, request: r };
  }
  return undefined;
}

/** How `GET /auth-requests` reports a request's status. */
export function describeStatus(state: EnvState, r: ModelRequest): string {
  return r.status === "pending" && isExpired(state, r) ? "expired" : r.status;
}
