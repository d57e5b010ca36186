import { z } from "zod";
import { PASSWORDLESS_TYPES } from "../../mock-server/src/domain/settings.js";

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
