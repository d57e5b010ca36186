import { z } from "zod";
import { settingsFields, settingsSchema } from "../domain/settings.js";
import { MAIL_OPERATIONS, OPERATIONS, TRANSPORTS } from "../domain/operations.js";
import { FAULT_OPERATIONS } from "./faults.js";

/** Response bodies of the control API (`/_mock/v1`). */

const iso = z.iso.datetime();
const templateType = z.enum(["SIGNIN", "SIGNUP"]);

export const health = z.object({ status: z.literal("ok"), name: z.literal("scalekit-mock"), version: z.string() }).strict();

export const stats = z
  .object({ environment_id: z.string(), auth_requests: z.number().int(), emails: z.number().int(), tokens_issued: z.number().int() })
  .strict();

export const resetResult = z.object({ status: z.literal("reset"), environment_id: z.string() }).strict();
export const deletedCount = z.object({ deleted: z.number().int() }).strict();

export const settings = settingsSchema;
/** A partial update of the settings. */
export const settingsPatch = settingsFields.partial();

export const emailSummary = z
  .object({
    id: z.string(),
    seq: z.number().int().positive(),
    auth_request_id: z.string(),
    kind: z.enum(MAIL_OPERATIONS),
    from: z.string(),
    to: z.string(),
    subject: z.string(),
    date: iso,
    template: templateType,
    otp: z.string().optional(),
    link: z.string().optional(),
    link_token: z.string().optional(),
    expires_at: iso,
  })
  .strict();

/** A template may have only one body: the other is then absent. */
export const email = emailSummary.extend({ html: z.string().optional(), text: z.string().optional() }).strict();
export const emailList = z.object({ count: z.number().int(), emails: z.array(emailSummary) }).strict();

export const otp = z
  .object({
    code: z.string().optional(),
    link: z.string().optional(),
    link_token: z.string().optional(),
    auth_request_id: z.string(),
    template: templateType,
    expires_at: iso,
    seq: z.number().int().positive(),
    email_id: z.string(),
  })
  .strict();

export const authRequest = z
  .object({
    auth_request_id: z.string(),
    email: z.string(),
    status: z.enum(["pending", "verified", "locked", "expired"]),
    passwordless_type: z.enum(["OTP", "LINK", "LINK_OTP"]),
    template: templateType,
    state: z.string().optional(),
    magiclink_auth_uri: z.string().optional(),
    template_variables: z.record(z.string(), z.string()),
    expires_in: z.number().int(),
    created_at: iso,
    expires_at: iso,
    verified_at: iso.optional(),
    attempts: z.number().int(),
    max_attempts: z.number().int(),
    resends: z.number().int(),
    credentials: z
      .object({ generation: z.number().int(), code: z.string().optional(), link_token: z.string().optional(), link: z.string().optional() })
      .strict(),
    retired_link_tokens: z.array(z.string()),
  })
  .strict();

export const authRequestList = z.object({ count: z.number().int(), auth_requests: z.array(authRequest) }).strict();

export const clock = z.object({ now: iso, epoch_ms: z.number().int(), offset_ms: z.number(), frozen: z.boolean() }).strict();

export const fault = z
  .object({
    id: z.string(),
    operation: z.enum(FAULT_OPERATIONS),
    hits: z.number().int(),
    matches: z.number().int(),
    active: z.boolean(),
    after: z.number().int(),
    probability: z.number(),
  })
  .loose()
  .describe("The rule as given (see the request schema), with its counters");

export const faultList = z.object({ faults: z.array(fault) }).strict();

export const journalEntry = z
  .object({
    seq: z.number().int(),
    time: iso,
    transport: z.enum(TRANSPORTS),
    operation: z.enum(OPERATIONS),
    email: z.string().optional(),
    auth_request_id: z.string().optional(),
    outcome: z.string(),
    grpc_code: z.string(),
    http_status: z.number().int().optional(),
    duration_ms: z.number(),
    headers: z.record(z.string(), z.string()),
    fault_id: z.string().optional(),
    mail_fault_id: z.string().optional(),
  })
  .strict();

export const requestList = z.object({ count: z.number().int(), requests: z.array(journalEntry) }).strict();

export const environment = z
  .object({
    id: z.string(),
    environment_url: z.string(),
    client_id: z.string(),
    client_secret: z.string().optional(),
    control_url: z.string(),
    created_at: iso,
    settings: settingsSchema,
  })
  .strict();

export const environmentList = z.object({ environments: z.array(environment) }).strict();

export const snapshotRestored = z
  .object({ restored: z.literal(true), environment_id: z.string(), auth_requests: z.number().int(), emails: z.number().int(), faults: z.number().int() })
  .strict();

/** One template type: its template as written, and whether it is the environment's own (`custom`) or the packaged one. */
export const template = z
  .object({
    type: templateType,
    custom: z.boolean(),
    subject: z.string(),
    html: z.string().optional(),
    text: z.string().optional(),
    /** Variables a send must supply in template_variables; the mock fills in the built-in and contextual ones. */
    variables_required: z.array(z.string()),
  })
  .strict();

export const templateList = z.object({ templates: z.array(template) }).strict();

export const templatePreview = z
  .object({ subject: z.string(), html: z.string().optional(), text: z.string().optional(), variables_required: z.array(z.string()) })
  .strict();
