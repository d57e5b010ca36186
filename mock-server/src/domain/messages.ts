import { PASSWORDLESS_TYPES } from "./settings.js";
import { LIMITS, RESERVED_TEMPLATE_VARIABLES, TEMPLATE_TYPES } from "./validation.js";

/**
 * The messages of PasswordlessService, described once: each field's proto
 * (snake_case) name, its JSON and JavaScript (lowerCamelCase) name, its type
 * and its limits. The REST decoder and encoder, the gRPC mapping, the zod
 * schemas and the OpenAPI documents all derive from these tables.
 */

export type FieldType =
  | { type: "string"; minLength?: number; maxLength?: number }
  | { type: "uint32" }
  | { type: "int64" }
  | { type: "enum"; values: readonly string[]; protoEnum: "TemplateType" | "PasswordlessType" }
  | { type: "map"; keyLength: readonly [number, number]; valueMaxLength: number; maxPairs: number };

export interface FieldDescription {
  /** The proto field name (snake_case); REST also accepts `camel`. */
  name: string;
  /** lowerCamelCase: the protobuf-es property and the command's property. */
  camel: string;
  kind: FieldType;
  /** Proto3 `optional` or a oneof member: unset is told apart from the default. */
  optional: boolean;
  doc?: string;
}

const field = (name: string, kind: FieldType, options: { optional?: boolean; doc?: string } = {}): FieldDescription => ({
  name,
  camel: name.replace(/_([a-z])/g, (_, ch: string) => ch.toUpperCase()),
  kind,
  optional: options.optional ?? false,
  ...(options.doc !== undefined && { doc: options.doc }),
});

const TEMPLATE = { type: "enum", values: TEMPLATE_TYPES, protoEnum: "TemplateType" } as const;
const PASSWORDLESS_TYPE = { type: "enum", values: PASSWORDLESS_TYPES, protoEnum: "PasswordlessType" } as const;

export const SEND_REQUEST: readonly FieldDescription[] = [
  field("email", { type: "string", minLength: 1, maxLength: LIMITS.emailMaxLength }, { doc: "Recipient; a valid email address" }),
  field("template", TEMPLATE, { optional: true }),
  field("magiclink_auth_uri", { type: "string", minLength: 1, maxLength: LIMITS.magiclinkAuthUriMaxLength }, {
    optional: true,
    doc: "An absolute http or https URL; required when the passwordless type is LINK or LINK_OTP",
  }),
  field("state", { type: "string", minLength: 1, maxLength: LIMITS.stateMaxLength }, { optional: true }),
  field("expires_in", { type: "uint32" }, { optional: true, doc: "Seconds; default 300, Scalekit's documented range 60–3600" }),
  field(
    "template_variables",
    {
      type: "map",
      keyLength: [LIMITS.templateVariableKeyMinLength, LIMITS.templateVariableKeyMaxLength],
      valueMaxLength: LIMITS.templateVariableValueMaxLength,
      maxPairs: LIMITS.templateVariablesMaxPairs,
    },
    { doc: `At most ${LIMITS.templateVariablesMaxPairs} pairs; reserved keys: ${RESERVED_TEMPLATE_VARIABLES.join(", ")}` },
  ),
];

export const RESEND_REQUEST: readonly FieldDescription[] = [
  field("auth_request_id", { type: "string", minLength: 1, maxLength: LIMITS.authRequestIdMaxLength }),
];

/** `code` and `link_token` are the members of the oneof `auth_credential`. */
export const VERIFY_REQUEST: readonly FieldDescription[] = [
  field("code", { type: "string", minLength: 1, maxLength: LIMITS.codeMaxLength }, { optional: true, doc: "One of code or link_token" }),
  field("link_token", { type: "string", minLength: 1, maxLength: LIMITS.linkTokenMaxLength }, { optional: true }),
  field("auth_request_id", { type: "string", maxLength: LIMITS.authRequestIdMaxLength }, {
    optional: true,
    doc: "Required with a code, and with a link token under same-origin enforcement",
  }),
];

export const SEND_RESPONSE: readonly FieldDescription[] = [
  field("auth_request_id", { type: "string", minLength: 1 }),
  field("expires_at", { type: "int64" }, { doc: "Epoch seconds" }),
  field("expires_in", { type: "uint32" }),
  field("passwordless_type", PASSWORDLESS_TYPE),
];

export const VERIFY_RESPONSE: readonly FieldDescription[] = [
  field("email", { type: "string", minLength: 1 }),
  field("state", { type: "string" }, { optional: true }),
  // Verify always reports the template the send settled on, never UNSPECIFIED.
  field("template", { ...TEMPLATE, values: TEMPLATE_TYPES.filter((t) => t !== "UNSPECIFIED") }, { optional: true }),
  field("passwordless_type", PASSWORDLESS_TYPE),
];

/** A send or resend result as SendPasswordlessResponse's values: `expiresAt` in epoch seconds. */
export function sendResponseValues(result: { authRequestId: string; expiresAt: number; expiresIn: number; passwordlessType: string }) {
  return {
    authRequestId: result.authRequestId,
    expiresAt: Math.floor(result.expiresAt / 1000),
    expiresIn: result.expiresIn,
    passwordlessType: result.passwordlessType,
  };
}
