import { z } from "zod";
import { PASSWORDLESS_TYPES } from "../domain/settings.js";

/** Response and error bodies of the Scalekit passwordless REST API (protobuf JSON). */

export const sendPasswordlessResponse = z
  .object({
    auth_request_id: z.string().min(1),
    /** int64 epoch seconds, a string in protobuf JSON. */
    expires_at: z.string().regex(/^\d+$/),
    expires_in: z.number().int().nonnegative(),
    passwordless_type: z.enum(PASSWORDLESS_TYPES),
  })
  .strict();

export const verifyPasswordlessResponse = z
  .object({
    email: z.string().min(1),
    state: z.string().optional(),
    template: z.enum(["SIGNIN", "SIGNUP"]).optional(),
    passwordless_type: z.enum(PASSWORDLESS_TYPES),
  })
  .strict();

export const errorInfo = z
  .object({
    "@type": z.literal("type.googleapis.com/scalekit.v1.errdetails.ErrorInfo"),
    error_code: z.string().min(1),
    validation_error_info: z
      .object({
        field_violations: z.array(z.object({ field: z.string(), description: z.string(), constraint: z.string() }).strict()),
      })
      .strict()
      .optional(),
  })
  .strict();

/** grpc-gateway's error body. */
export const gatewayErrorBody = z
  .object({
    code: z.number().int().min(1).max(16),
    message: z.string().min(1),
    details: z.array(errorInfo),
  })
  .strict();

/** The control API's error body. */
export const controlErrorBody = z
  .object({
    error: z.object({ code: z.string().min(1), message: z.string().min(1), details: z.array(z.unknown()) }).strict(),
  })
  .strict();

/** OAuth 2.0 token response. */
export const tokenResponse = z
  .object({
    access_token: z.string().min(1),
    token_type: z.literal("Bearer"),
    expires_in: z.number().int().positive(),
    scope: z.string(),
  })
  .strict();

/** Request bodies, as documented with snake_case names (lowerCamelCase is accepted too). */
export const sendPasswordlessRequest = z
  .object({
    email: z.string().min(1).max(320).describe("Recipient; a valid email address"),
    template: z.enum(["UNSPECIFIED", "SIGNIN", "SIGNUP"]).optional(),
    magiclink_auth_uri: z.string().min(1).max(1000).optional().describe("Required when the passwordless type is LINK or LINK_OTP"),
    state: z.string().min(1).max(1000).optional(),
    expires_in: z.number().int().min(0).optional().describe("Seconds; default 300"),
    template_variables: z.record(z.string().min(2).max(25), z.string().max(256)).optional().describe("At most 30 pairs; reserved keys: otp, expiry_time_relative, link, expire_time, expiry_time"),
  })
  .strict();

export const verifyPasswordlessRequest = z
  .object({
    code: z.string().min(1).max(20).optional().describe("One of code or link_token"),
    link_token: z.string().min(1).max(100).optional(),
    auth_request_id: z.string().max(200).optional().describe("Required with a code, and with a link token under same-origin enforcement"),
  })
  .strict();

export const resendPasswordlessRequest = z.object({ auth_request_id: z.string().min(1).max(200) }).strict();

export const jwks = z.object({ keys: z.array(z.object({ kty: z.literal("RSA"), n: z.string(), e: z.string(), kid: z.string(), alg: z.literal("RS256"), use: z.literal("sig") }).strict()) }).strict();

export const oauthError = z.object({ error: z.string(), error_description: z.string() }).strict();
