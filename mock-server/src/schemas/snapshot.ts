import { z } from "zod";
import { MAIL_OPERATIONS } from "../domain/operations.js";
import { ISSUED_CREDENTIALS } from "../domain/auth-request.js";
import { MOCK_TIME_MAX, MOCK_TIME_MIN, MOCK_TIME_RANGE } from "../domain/mock-time.js";
import { templateSourceSchema } from "../domain/email-template.js";
import { senderSchema } from "../domain/sender.js";
import { ownRecord } from "../domain/own-record.js";
import { OTP_CHARSETS, OTP_LENGTH, settingsSchema } from "../domain/settings.js";
import { isEmailAddress, templateVariables } from "../domain/validation.js";
import { faultRuleInput } from "./faults.js";
import { checkAuthRequest, checkSnapshot } from "./snapshot-consistency.js";

/** The versioned snapshot of one environment (`GET|PUT /_mock/v1/snapshot`). */

export const SNAPSHOT_FORMAT = "scalekit-mock/snapshot";
export const SNAPSHOT_VERSION = 1;

/** Every instant the mock stores lies in the mock time range. */
const epochMs = z
  .number()
  .int()
  .min(MOCK_TIME_MIN, `expected epoch ms from ${MOCK_TIME_RANGE}`)
  .max(MOCK_TIME_MAX, `expected epoch ms from ${MOCK_TIME_RANGE}`);
const template = z.enum(["SIGNIN", "SIGNUP"]);
const passwordlessType = z.enum(["OTP", "LINK", "LINK_OTP"]);

// Strings that end up in URLs, email headers and response headers (`.eml`, content-disposition)
// must be what the mock itself would have made: nothing to escape, no CR or LF.
const issuedId = z.string().regex(/^[A-Za-z0-9_-]{1,200}$/, "expected 1–200 letters, digits, '_' or '-', as the mock issues ids");
const linkToken = z
  .string()
  .regex(ISSUED_CREDENTIALS.linkToken, 'expected a link token as the mock issues them: a lower-case version 4 UUID, then "_l"');
const code = z
  .string()
  .regex(ISSUED_CREDENTIALS.code, `expected ${OTP_LENGTH.min}–${OTP_LENGTH.max} digits, or upper-case letters and digits, as the mock issues codes`);
const emailAddress = z.string().refine(isEmailAddress, "expected an email address a send would accept (it goes into the email's To header)");
const headerText = z.string().regex(/^[^\x00-\x1f\x7f]*$/, "expected no control characters such as CR or LF: it goes into an email header");
const addressKey = z
  .string()
  .refine((key) => isEmailAddress(key) && key === key.toLowerCase(), "expected a lower-cased email address, as the mock counts sends by");

/**
 * An object of strings whose keys all survive, `__proto__` included: z.record
 * builds its output by assignment, which drops that key.
 */
const stringMap = z
  .custom<Record<string, string>>(
    (value) => typeof value === "object" && value !== null && !Array.isArray(value) && Object.values(value).every((entry) => typeof entry === "string"),
    { message: "expected an object of strings" },
  )
  .transform((value) => templateVariables(Object.entries(value)))
  .meta({ type: "object", additionalProperties: { type: "string" } });

// Keys in the order the mock writes them, so an export imported and exported again reads the same byte for byte.
const credentials = z
  .object({ generation: z.number().int().nonnegative(), code: code.optional(), linkToken: linkToken.optional() })
  .strict();

export const authRequestSnapshot = z
  .object({
    id: issuedId,
    environmentId: z.string(),
    // The address, state, magic link URI and template variables are checked by the send's own rules (checkAuthRequest).
    email: z.string(),
    state: z.string().optional(),
    template,
    passwordlessType,
    otpCharset: z.enum(OTP_CHARSETS).optional(),
    magiclinkAuthUri: z.string().optional(),
    templateVariables: stringMap,
    expiresIn: z.number().int().positive(),
    createdAt: epochMs,
    expiresAt: epochMs,
    sendIndex: z.number().int().positive(),
    attempts: z.number().int().nonnegative(),
    maxAttempts: z.number().int().positive(),
    resends: z.number().int().nonnegative(),
    status: z.enum(["pending", "verified", "locked"]),
    credentials,
    retiredLinkTokens: z.array(linkToken),
    verifiedAt: epochMs.optional(),
  })
  .strict()
  .superRefine(checkAuthRequest);

export const emailSnapshot = z
  .object({
    seq: z.number().int().positive(),
    id: issuedId,
    environmentId: z.string(),
    authRequestId: issuedId,
    kind: z.enum(MAIL_OPERATIONS),
    from: senderSchema,
    to: emailAddress,
    date: epochMs,
    template,
    otp: code.optional(),
    link: z.string().optional(),
    linkToken: linkToken.optional(),
    generation: z.number().int().nonnegative(),
    expiresAt: epochMs,
    subject: headerText,
    html: z.string().optional(),
    text: z.string().optional(),
  })
  .strict()
  .refine((email) => email.html !== undefined || email.text !== undefined, { message: "an email needs html, text or both", path: ["text"] });

const faultSnapshot = z
  .object({ matches: z.number().int().nonnegative(), hits: z.number().int().nonnegative() })
  .loose()
  .transform((value, ctx) => {
    const { matches, hits, ...spec } = value;
    const parsed = faultRuleInput.safeParse(spec);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) ctx.addIssue({ code: "custom", path: issue.path, message: issue.message });
      return z.NEVER;
    }
    return { ...parsed.data, matches, hits };
  });

export const snapshotSchema = z
  .object({
    format: z.literal(SNAPSHOT_FORMAT),
    version: z.literal(SNAPSHOT_VERSION, { message: `this mock reads snapshot version ${SNAPSHOT_VERSION}` }),
    environmentId: z.string(),
    takenAt: z.string(),
    state: z
      .object({
        seed: z.string().min(1),
        settings: settingsSchema,
        clock: z.object({ now: epochMs, frozen: z.boolean() }).strict(),
        sendsPerAddress: ownRecord(addressKey, z.number().int().positive()),
        authRequests: z.array(authRequestSnapshot),
        inbox: z.object({ emails: z.array(emailSnapshot), nextSeq: z.number().int().positive() }).strict(),
        faults: z.array(faultSnapshot),
        /** The environment's own email templates, as written; their syntax is checked on import. */
        templates: z.object({ SIGNIN: templateSourceSchema.optional(), SIGNUP: templateSourceSchema.optional() }).strict().optional(),
      })
      .strict(),
  })
  .strict()
  .superRefine(checkSnapshot);

export type Snapshot = z.output<typeof snapshotSchema>;
