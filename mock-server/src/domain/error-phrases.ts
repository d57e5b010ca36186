/**
 * The phrases apps written against Scalekit look for in error messages.
 * Scalekit's published demo apps branch on message text (a regex or
 * `includes`), not only on the error code, so every message for one of
 * these conditions starts with its phrase and our own hint follows. The
 * messages and their tests both read this table, so they cannot drift apart.
 * docs/deviations.md (D48) lists where each phrase was seen.
 */

// Deviation D48: messages start with the phrases apps match
export const ERROR_PHRASES = {
  /** Send without a magic link URI in a LINK or LINK_OTP environment; apps retry the send with one. */
  magiclinkAuthUriRequired: "magiclink_auth_uri is required",
  /** Verify after expiry; apps show "your login session has expired", or retry a link verify without auth_request_id. */
  authRequestExpired: "auth request expired",
  /** Magic link verify without auth_request_id under same-origin enforcement; apps ask for the same browser. */
  authRequestIdRequired: "auth_request_id is required",
  /** A wrong code, a wrong or replaced link, or one already used; apps show "incorrect or already used". */
  verificationFailed: "verification failed",
  /** Verify of a request locked by wrong attempts; apps match "too many". */
  tooManyAttempts: "too many attempts",
  /** Resend past the limit; apps match "too many". */
  tooManyResends: "too many resends",
  /** An unknown auth request id; apps match "not found" and start a new sign-in. */
  authRequestNotFound: "auth request not found",
  /** Over the environment's rate limit, or a fault rule's; apps match "rate". */
  rateLimitExceeded: "rate limit exceeded",
} as const;

export type ErrorPhrase = keyof typeof ERROR_PHRASES;

/** A message that starts with the phrase apps match, then our own hint. */
export function phrased(phrase: ErrorPhrase, hint: string): string {
  return `${ERROR_PHRASES[phrase]}: ${hint}`;
}
