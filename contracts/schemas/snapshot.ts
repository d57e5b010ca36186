import { z } from "zod";
import { MOCK_TIME_MAX, MOCK_TIME_MIN, MOCK_TIME_RANGE } from "../../mock-server/src/domain/mock-time.js";
import { settingsSchema } from "../../mock-server/src/domain/settings.js";
import { faultRuleInput } from "./faults.js";
import { checkSnapshotState } from "./snapshot-consistency.js";

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

const credentials = z
  .object({ code: z.string().optional(), linkToken: z.string().optional(), generation: z.number().int().nonnegative() })
  .strict();

export const authRequestSnapshot = z
  .object({
    id: z.string().min(1).max(200),
    environmentId: z.string(),
    email: z.string().min(1).max(320),
    state: z.string().optional(),
    template,
    passwordlessType,
    magiclinkAuthUri: z.string().optional(),
    templateVariables: z.record(z.string(), z.string()),
    expiresIn: z.number().int().positive(),
    createdAt: epochMs,
    expiresAt: epochMs,
    sendIndex: z.number().int().positive(),
    attempts: z.number().int().nonnegative(),
    maxAttempts: z.number().int().positive(),
    resends: z.number().int().nonnegative(),
    status: z.enum(["pending", "verified", "locked"]),
    verifiedAt: epochMs.optional(),
    credentials,
    retiredLinkTokens: z.array(z.string()),
  })
  .strict();

export const emailSnapshot = z
  .object({
    id: z.string().min(1),
    seq: z.number().int().positive(),
    environmentId: z.string(),
    authRequestId: z.string(),
    kind: z.enum(["send", "resend"]),
    from: z.string(),
    to: z.string(),
    subject: z.string(),
    date: epochMs,
    template,
    otp: z.string().optional(),
    link: z.string().optional(),
    linkToken: z.string().optional(),
    generation: z.number().int().nonnegative(),
    expiresAt: epochMs,
    html: z.string(),
    text: z.string(),
  })
  .strict();

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
        sendsPerAddress: z.record(z.string(), z.number().int().positive()),
        authRequests: z.array(authRequestSnapshot),
        inbox: z.object({ emails: z.array(emailSnapshot), nextSeq: z.number().int().positive() }).strict(),
        faults: z.array(faultSnapshot),
      })
      .strict()
      .superRefine(checkSnapshotState),
  })
  .strict();

export type Snapshot = z.output<typeof snapshotSchema>;
