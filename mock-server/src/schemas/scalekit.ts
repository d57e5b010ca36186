import { z } from "zod";
import { RESEND_REQUEST, SEND_REQUEST, SEND_RESPONSE, VERIFY_REQUEST, VERIFY_RESPONSE, type FieldDescription } from "../domain/messages.js";

/** A field of a passwordless message as protobuf JSON carries it (documented names: snake_case). */
function fieldSchema(field: FieldDescription): z.ZodType {
  const kind = field.kind;
  let schema: z.ZodType;
  switch (kind.type) {
    case "string": {
      let text = z.string();
      if (kind.minLength !== undefined) text = text.min(kind.minLength);
      if (kind.maxLength !== undefined) text = text.max(kind.maxLength);
      schema = text;
      break;
    }
    case "uint32":
      schema = z.number().int().min(0).max(0xffffffff);
      break;
    case "int64":
      // A string of digits in protobuf JSON.
      schema = z.string().regex(/^\d+$/);
      break;
    case "enum":
      schema = z.enum(kind.values as [string, ...string[]]);
      break;
    case "map":
      schema = z.record(z.string().min(kind.keyLength[0]).max(kind.keyLength[1]), z.string().max(kind.valueMaxLength));
      break;
  }
  if (field.doc !== undefined) schema = schema.describe(field.doc);
  // Responses and requests alike: what protobuf JSON may leave out is optional (maps and enums included).
  return field.optional || kind.type === "map" ? schema.optional() : schema;
}

/** The zod schema of a message, derived from its description in domain/messages.ts. */
function messageSchema(fields: readonly FieldDescription[]) {
  return z.object(Object.fromEntries(fields.map((field) => [field.name, fieldSchema(field)]))).strict();
}

/** Response and error bodies of the Scalekit passwordless REST API (protobuf JSON). */

export const sendPasswordlessResponse = messageSchema(SEND_RESPONSE);
export const verifyPasswordlessResponse = messageSchema(VERIFY_RESPONSE);

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
export const sendPasswordlessRequest = messageSchema(SEND_REQUEST);
export const verifyPasswordlessRequest = messageSchema(VERIFY_REQUEST);
export const resendPasswordlessRequest = messageSchema(RESEND_REQUEST);

export const jwks = z.object({ keys: z.array(z.object({ kty: z.literal("RSA"), n: z.string(), e: z.string(), kid: z.string(), alg: z.literal("RS256"), use: z.literal("sig") }).strict()) }).strict();

export const oauthError = z.object({ error: z.string(), error_description: z.string() }).strict();
