/**
 * The reference model's tables: the errors it predicts and the settings it
 * knows, with their documented defaults and ranges (README, docs/errors.md).
 */

/** Every error the model predicts, with its gRPC code and HTTP status (docs/errors.md). */
export const ERRORS = {
  INVALID_ARGUMENT: { grpc: 3, http: 400 },
  MAGICLINK_AUTH_URI_REQUIRED: { grpc: 3, http: 400 },
  OTP_INVALID: { grpc: 3, http: 400 },
  LINK_TOKEN_INVALID: { grpc: 3, http: 400 },
  AUTH_REQUEST_EXPIRED: { grpc: 9, http: 400 },
  AUTH_REQUEST_ALREADY_VERIFIED: { grpc: 9, http: 400 },
  AUTH_REQUEST_LOCKED: { grpc: 9, http: 400 },
  OTP_NOT_ISSUED: { grpc: 9, http: 400 },
  SAME_ORIGIN_REQUIRED: { grpc: 7, http: 403 },
  AUTH_REQUEST_NOT_FOUND: { grpc: 5, http: 404 },
  TOO_MANY_ATTEMPTS: { grpc: 8, http: 429 },
  RESEND_LIMIT_EXCEEDED: { grpc: 8, http: 429 },
  UNAUTHENTICATED: { grpc: 16, http: 401 },
  TOKEN_EXPIRED: { grpc: 16, http: 401 },
} as const;
export type ErrorCode = keyof typeof ERRORS;

export type PasswordlessType = "OTP" | "LINK" | "LINK_OTP";
export type OtpCharset = "NUMERIC" | "ALPHANUMERIC";
export type Template = "SIGNIN" | "SIGNUP";

/** The settings table of the README, with its defaults. */
export const DEFAULT_SETTINGS = {
  passwordlessType: "OTP" as PasswordlessType,
  otpLength: 6,
  otpCharset: "NUMERIC" as OtpCharset,
  defaultExpiresIn: 300,
  minExpiresIn: 60,
  maxExpiresIn: 3_600,
  maxAttempts: 5,
  maxResends: 5,
  newCredentialsOnResend: false,
  enforceSameOrigin: false,
  tokenTtl: 3_600,
  journalLimit: 1_000,
  emailLimit: 10_000,
  authRequestLimit: 10_000,
  faultLimit: 1_000,
  rateLimitPerMinute: null as number | null,
  appName: "Scalekit Mock",
  appLogoUrl: "",
  appSupportEmail: "",
  appOrganizationMetaName: "",
  organizationName: "",
  userName: "",
};
export type ModelSettings = typeof DEFAULT_SETTINGS;

/** A partial settings update: the README's ranges decide whether it is accepted, all or nothing. */
export function applySettings(settings: ModelSettings, patch: Record<string, unknown>): ModelSettings | undefined {
  const next = { ...settings } as Record<string, unknown>;
  for (const [key, value] of Object.entries(patch)) {
    if (!(key in settings)) return undefined;
    next[key] = value;
  }
  const s = next as ModelSettings;
  const int = (v: number, min: number, max: number) => Number.isInteger(v) && v >= min && v <= max;
  const ok =
    ["OTP", "LINK", "LINK_OTP"].includes(s.passwordlessType) &&
    int(s.otpLength, 4, 10) &&
    ["NUMERIC", "ALPHANUMERIC"].includes(s.otpCharset) &&
    int(s.maxAttempts, 1, 1000) &&
    int(s.maxResends, 0, 1000) &&
    int(s.faultLimit, 1, 100_000) &&
    (s.rateLimitPerMinute === null || int(s.rateLimitPerMinute, 1, 10_000)) &&
    typeof s.newCredentialsOnResend === "boolean" &&
    typeof s.enforceSameOrigin === "boolean" &&
    s.minExpiresIn <= s.maxExpiresIn &&
    s.defaultExpiresIn >= s.minExpiresIn &&
    s.defaultExpiresIn <= s.maxExpiresIn;
  return ok ? s : undefined;
}
