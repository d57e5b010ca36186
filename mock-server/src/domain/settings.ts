import { z } from "zod";
import { parseDuration } from "./duration.js";
import { describeValue } from "./preview.js";

export const PASSWORDLESS_TYPES = ["OTP", "LINK", "LINK_OTP"] as const;
export type PasswordlessType = (typeof PASSWORDLESS_TYPES)[number];

/** Digits an OTP code may have (setting `otpLength`): also what snapshot import accepts as a code. */
export const OTP_LENGTH = { min: 4, max: 10 } as const;

/** Bounds of `rateLimitPerMinute`: the window keeps one time per admitted call, so the top bound caps its memory. */
export const RATE_LIMIT_PER_MINUTE = { min: 1, max: 10_000 } as const;
/** The code challenge types of Scalekit's environment config (setting `otpCharset`). */
export const OTP_CHARSETS = ["NUMERIC", "ALPHANUMERIC"] as const;
export type OtpCharset = (typeof OTP_CHARSETS)[number];

/** Seconds, given as a number or a duration string such as "5m". */
const SECONDS_HINT = 'expected whole seconds or a duration like "5m"';
const seconds = z
  .union([z.number(), z.string()], { error: (issue) => `${SECONDS_HINT}, got ${describeValue(issue.input)}` })
  .transform((value, ctx) => {
    const ms = parseDuration(value, "s");
    if (ms === undefined || ms % 1000 !== 0) {
      ctx.addIssue({ code: "custom", message: `${SECONDS_HINT}, got ${describeValue(value)}` });
      return z.NEVER;
    }
    return ms / 1000;
  })
  // expires_in is a uint32 of seconds on the wire; a longer lifetime would also run past the dates a clock can show.
  .pipe(z.number().int().positive().max(0xffff_ffff));

/**
 * Environment settings: the knobs a Scalekit dashboard exposes, plus the limits
 * the real service does not publish (each listed in docs/deviations.md).
 * This schema is the one place defaults live.
 */
export const settingsFields = z
  .object({
    /** What a send emails: a code, a magic link, or both. */
    passwordlessType: z.enum(PASSWORDLESS_TYPES).default("OTP"),
    // Deviation D5: 6-digit codes, as the docs show
    /** Digits in an OTP code. */
    otpLength: z.number().int().min(OTP_LENGTH.min).max(OTP_LENGTH.max).default(6),
    /** Characters of an OTP code: digits, or upper-case letters and digits (see OTP_ALPHABETS). */
    otpCharset: z.enum(OTP_CHARSETS).default("NUMERIC"),
    // Deviation D2: 300 s default expiry, from the docs
    /** Lifetime of an auth request when the send gives no `expires_in`. */
    defaultExpiresIn: seconds.default(300),
    // Deviation D1: expires_in bounds 60 s to 3600 s, the docs' expiry range
    /** Smallest accepted `expires_in`; below 60 leaves Scalekit's range. */
    minExpiresIn: seconds.default(60),
    /** Largest accepted `expires_in`; above 3600 leaves Scalekit's range. */
    maxExpiresIn: seconds.default(3_600),
    // Deviation D3: 5 wrong attempts lock a request (not published)
    /** Wrong codes accepted before the auth request locks. */
    maxAttempts: z.number().int().min(1).max(1000).default(5),
    // Deviation D4: 5 resends per auth request (not published)
    /** Resends allowed per auth request. */
    maxResends: z.number().int().min(0).max(1000).default(5),
    /** "Enable new Magic link & OTP credentials on resend". */
    newCredentialsOnResend: z.boolean().default(false),
    /** Magic link verify must carry the auth_request_id of the browser that asked. */
    enforceSameOrigin: z.boolean().default(false),
    // Deviation D6: tokens last 1 h (not published)
    /** Access token lifetime in seconds, measured on the mock clock. */
    tokenTtl: seconds.default(3_600),
    // Deviation D34: retention limits of the mock itself
    /** Calls kept in the request journal; the oldest go first. */
    journalLimit: z.number().int().min(1).max(100_000).default(1_000),
    /** Emails kept in the inbox; the oldest go first. */
    emailLimit: z.number().int().min(1).max(1_000_000).default(10_000),
    /** Auth requests kept; the oldest go first (their codes and links stop working). */
    authRequestLimit: z.number().int().min(1).max(1_000_000).default(10_000),
    /** Fault rules an environment holds at once; adding past it is refused (each call tries them in turn). */
    faultLimit: z.number().int().min(1).max(100_000).default(1_000),
    // Deviation D51: the rate limit is off unless set; a sliding minute on the mock clock
    /** Scalekit API calls the environment admits per minute (a sliding 60 s on its clock); null turns the limit off. */
    rateLimitPerMinute: z.number().int().min(RATE_LIMIT_PER_MINUTE.min).max(RATE_LIMIT_PER_MINUTE.max).nullable().default(null),
    // Deviation D55: built-in template variables come from settings
    /** `{{app_name}}` in email templates. */
    appName: z.string().max(256).default("Scalekit Mock"),
    /** `{{app_logo_url}}` in email templates. */
    appLogoUrl: z.string().max(1000).default(""),
    /** `{{app_support_email}}` in email templates. */
    appSupportEmail: z.string().max(320).default(""),
    /** `{{app_organization_meta_name}}` in email templates. */
    appOrganizationMetaName: z.string().max(256).default(""),
    /** `{{organization_name}}` in email templates. */
    organizationName: z.string().max(256).default(""),
    /** `{{user_name}}` in email templates (every recipient gets the same). */
    userName: z.string().max(256).default(""),
  })
  .strict();

/** The settings with the checks that span fields. */
export const settingsSchema = settingsFields.superRefine((settings, ctx) => {
  if (settings.minExpiresIn > settings.maxExpiresIn) {
    ctx.addIssue({ code: "custom", path: ["minExpiresIn"], message: "minExpiresIn must not exceed maxExpiresIn" });
  }
  if (settings.defaultExpiresIn < settings.minExpiresIn || settings.defaultExpiresIn > settings.maxExpiresIn) {
    ctx.addIssue({ code: "custom", path: ["defaultExpiresIn"], message: "defaultExpiresIn must lie between minExpiresIn and maxExpiresIn" });
  }
});

export type Settings = z.output<typeof settingsSchema>;
export type SettingsInput = z.input<typeof settingsSchema>;

export function defaultSettings(): Settings {
  return settingsSchema.parse({});
}
