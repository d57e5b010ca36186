import { phrased } from "./error-phrases.js";
import { ScalekitError, ERROR_CODES, type FieldViolation } from "./errors.js";
import { quote } from "./preview.js";
import type { PasswordlessType, Settings } from "./settings.js";

export const TEMPLATE_TYPES = ["UNSPECIFIED", "SIGNIN", "SIGNUP"] as const;
export type TemplateName = (typeof TEMPLATE_TYPES)[number];

// Deviation D26: the descriptor's buf.validate rules live here, not in contracts/proto
/** Names the mock fills in itself; a caller may not supply them. */
export const RESERVED_TEMPLATE_VARIABLES = ["otp", "expiry_time_relative", "link", "expire_time", "expiry_time"] as const;

export const LIMITS = {
  emailMaxLength: 320,
  magiclinkAuthUriMaxLength: 1000,
  stateMaxLength: 1000,
  templateVariablesMaxPairs: 30,
  templateVariableKeyMinLength: 2,
  templateVariableKeyMaxLength: 25,
  templateVariableValueMaxLength: 256,
  codeMaxLength: 20,
  linkTokenMaxLength: 100,
  authRequestIdMaxLength: 200,
} as const;

/**
 * Template variables as a map keyed by what the caller sent: an object without
 * a prototype, so `__proto__`, `constructor` or `toString` are keys like any
 * other (a plain object drops `__proto__` on assignment and "has" the others).
 */
export function templateVariables(entries: Iterable<readonly [string, string]> = []): Record<string, string> {
  const variables: Record<string, string> = Object.create(null);
  for (const [key, value] of entries) variables[key] = value;
  return variables;
}

/** A send request after transport decoding (field names and types settled). */
export interface SendInput {
  email: string;
  /** An enum name, or a number when the caller sent one the enum does not define. */
  template?: TemplateName | number;
  magiclinkAuthUri?: string;
  state?: string;
  expiresIn?: number;
  templateVariables: Record<string, string>;
}

export interface VerifyInput {
  code?: string | undefined;
  linkToken?: string | undefined;
  authRequestId?: string | undefined;
}

export interface ResendInput {
  authRequestId: string;
}

/** A send request that passed every rule; `template` is settled. */
export interface ValidSend {
  email: string;
  template: Exclude<TemplateName, "UNSPECIFIED">;
  magiclinkAuthUri?: string;
  state?: string;
  expiresIn: number;
  templateVariables: Record<string, string>;
}

/**
 * A broken rule, and for a send's fields where it lies in a SendInput: the
 * property, and for a template variable its key (snapshot import names it so).
 */
export type Violation = FieldViolation & { path?: readonly string[] };

// The HTML5 definition of a valid email address, which buf.validate's
// `string.email` rule also uses.
const EMAIL = /^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/;

/** An address a send would accept: the HTML5 rule, at most 64 characters before the "@" and 320 in all. */
export function isEmailAddress(value: string): boolean {
  return value.length <= LIMITS.emailMaxLength && EMAIL.test(value) && value.split("@")[0]!.length <= 64;
}

// Deviation D45: magiclink_auth_uri must be an absolute http(s) URL
const HTTP_URL_DESCRIPTION = "value must be an absolute http or https URL, such as https://app.example.com/auth/verify";

/**
 * A URI a magic link can be built on: absolute (`scheme://host…`), http: or https:, and nothing a
 * URL parser would silently drop (spaces, tabs, line breaks, control
 * characters) or that could break the email's text around the link.
 */
export function isHttpUrl(value: string): boolean {
  // "https:app.test" parses too, but is no absolute URL: the scheme must be followed by "//".
  if (/[\x00-\x20\x7f]/.test(value) || !/^https?:\/\//i.test(value)) return false;
  try {
    const url = new URL(value);
    return url.protocol === "http:" || url.protocol === "https:";
  } catch {
    return false;
  }
}

/** Length in characters (code points), as buf.validate counts. */
function length(value: string): number {
  let count = 0;
  for (const _ of value) count++;
  return count;
}

function checkLength(out: Violation[], field: string, value: string, min: number, max: number, path?: readonly string[]): void {
  const n = length(value);
  const at = path === undefined ? {} : { path };
  if (n < min) out.push({ field, constraint: "string.min_len", description: `value length must be at least ${min} characters`, ...at });
  else if (n > max) out.push({ field, constraint: "string.max_len", description: `value length must be at most ${max} characters`, ...at });
}

// Deviation D37: 10 violations in the message, 100 in field_violations
/** Violations a message lists, and a response carries: a map of thousands of bad keys must not make a megabyte error. */
const MAX_LISTED_VIOLATIONS = { message: 10, details: 100 };

/** The InvalidArgument error listing broken rules, the first one's field named. */
export function validationError(violations: Violation[]): ScalekitError {
  const first = violations[0]!;
  const listed = violations.slice(0, MAX_LISTED_VIOLATIONS.message).map((v) => `${v.field}: ${v.description} [${v.constraint}]`);
  const more = violations.length - listed.length;
  // Deviation D13: violations on one line, joined with "; "
  const text = listed.join("; ") + (more > 0 ? `; and ${more} more` : "");
  return new ScalekitError("InvalidArgument", ERROR_CODES.invalidArgument, `validation error: ${text}`, {
    field: first.field,
    violations: violations.slice(0, MAX_LISTED_VIOLATIONS.details).map(({ field, constraint, description }) => ({ field, constraint, description })),
  });
}

function fail(violations: Violation[]): never {
  throw validationError(violations);
}

/**
 * The broken rules of a send's fields, in the order the service lists them.
 * `expires_in` is checked against `settings` when both are given: its bounds
 * are the environment's and may change, while the other rules hold for every
 * auth request the mock ever stored, which is how snapshot import uses them.
 */
export function sendViolations(input: SendInput, settings?: Pick<Settings, "minExpiresIn" | "maxExpiresIn">): Violation[] {
  const violations: Violation[] = [];

  if (input.email === "") {
    violations.push({ field: "email", constraint: "required", description: "value is required", path: ["email"] });
  } else if (length(input.email) > LIMITS.emailMaxLength) {
    checkLength(violations, "email", input.email, 1, LIMITS.emailMaxLength, ["email"]);
  } else if (!EMAIL.test(input.email) || input.email.split("@")[0]!.length > 64) {
    violations.push({ field: "email", constraint: "string.email", description: "value must be a valid email address", path: ["email"] });
  }

  if (input.template !== undefined && !TEMPLATE_TYPES.includes(input.template as TemplateName)) {
    violations.push({ field: "template", constraint: "enum.defined_only", description: "value must be one of the defined enum values", path: ["template"] });
  }
  if (input.magiclinkAuthUri !== undefined) {
    const before = violations.length;
    checkLength(violations, "magiclink_auth_uri", input.magiclinkAuthUri, 1, LIMITS.magiclinkAuthUriMaxLength, ["magiclinkAuthUri"]);
    if (violations.length === before && !isHttpUrl(input.magiclinkAuthUri)) {
      violations.push({ field: "magiclink_auth_uri", constraint: "string.uri", description: HTTP_URL_DESCRIPTION, path: ["magiclinkAuthUri"] });
    }
  }
  if (input.state !== undefined) checkLength(violations, "state", input.state, 1, LIMITS.stateMaxLength, ["state"]);

  if (settings !== undefined && input.expiresIn !== undefined && (input.expiresIn < settings.minExpiresIn || input.expiresIn > settings.maxExpiresIn)) {
    violations.push({
      field: "expires_in",
      constraint: "uint32.gte_lte",
      description: `value must be greater than or equal to ${settings.minExpiresIn} and less than or equal to ${settings.maxExpiresIn}`,
      path: ["expiresIn"],
    });
  }

  violations.push(...templateVariableViolations(input.templateVariables));
  return violations;
}

/**
 * The rules of a send's template_variables (count, key and value lengths, no
 * reserved name); the preview of a template applies the same.
 */
export function templateVariableViolations(variables: Readonly<Record<string, string>>): Violation[] {
  const violations: Violation[] = [];
  const pairs = Object.entries(variables);
  if (pairs.length > LIMITS.templateVariablesMaxPairs) {
    violations.push({
      field: "template_variables",
      constraint: "map.max_pairs",
      description: `map must be at most ${LIMITS.templateVariablesMaxPairs} entries`,
      path: ["templateVariables"],
    });
  }
  for (const [key, value] of pairs) {
    // A key over the length limit is named cut short: the limit is what the caller needs to know.
    const field = `template_variables[${quote(key)}]`;
    const path = ["templateVariables", key];
    checkLength(violations, field, key, LIMITS.templateVariableKeyMinLength, LIMITS.templateVariableKeyMaxLength, path);
    if (length(value) > LIMITS.templateVariableValueMaxLength) {
      violations.push({ field, constraint: "string.max_len", description: `value length must be at most ${LIMITS.templateVariableValueMaxLength} characters`, path });
    }
    if ((RESERVED_TEMPLATE_VARIABLES as readonly string[]).includes(key)) {
      violations.push({
        field,
        // Deviation D14: our rule id for reserved template variables
        constraint: "template_variables.reserved",
        description: `"${key}" is reserved and filled in by Scalekit; reserved names: ${RESERVED_TEMPLATE_VARIABLES.join(", ")}`,
        path,
      });
    }
  }
  return violations;
}

/** A send without a magic link URI, where the passwordless type emails a link. */
export function missesMagiclinkAuthUri(type: PasswordlessType, magiclinkAuthUri: string | undefined): boolean {
  return needsLink(type) && magiclinkAuthUri === undefined;
}

/**
 * Applies the rules of SendPasswordlessRequest: those the SDK's descriptor
 * carries, plus the environment's own (expiry bounds, magic link URI).
 */
export function validateSend(input: SendInput, settings: Settings): ValidSend {
  const violations = sendViolations(input, settings);
  if (violations.length > 0) fail(violations);

  if (missesMagiclinkAuthUri(settings.passwordlessType, input.magiclinkAuthUri)) {
    throw new ScalekitError(
      "InvalidArgument",
      ERROR_CODES.magiclinkAuthUriRequired,
      phrased("magiclinkAuthUriRequired", `the passwordless type is ${settings.passwordlessType}, which emails a magic link; give the URL of your app's magic link callback`),
      { field: "magiclink_auth_uri" },
    );
  }

  const pairs = Object.entries(input.templateVariables);
  // Deviation D9: no template (or UNSPECIFIED) means SIGNIN
  const template = input.template === undefined || input.template === "UNSPECIFIED" ? "SIGNIN" : (input.template as "SIGNIN" | "SIGNUP");
  return {
    email: input.email,
    template,
    ...(input.magiclinkAuthUri !== undefined && { magiclinkAuthUri: input.magiclinkAuthUri }),
    ...(input.state !== undefined && { state: input.state }),
    expiresIn: input.expiresIn ?? settings.defaultExpiresIn,
    // One shared empty map for the many sends without variables.
    templateVariables: pairs.length === 0 ? (NO_VARIABLES as Record<string, string>) : templateVariables(pairs),
  };
}

const NO_VARIABLES: Readonly<Record<string, string>> = Object.freeze(templateVariables());

/** The broken rules of a verify's fields, "exactly one credential" first. */
export function verifyViolations(input: VerifyInput): Violation[] {
  const violations: Violation[] = [];
  if (input.code === undefined && input.linkToken === undefined) {
    violations.push({ field: "auth_credential", constraint: "required", description: "exactly one of code or link_token is required" });
  }
  if (input.code !== undefined) checkLength(violations, "code", input.code, 1, LIMITS.codeMaxLength);
  if (input.linkToken !== undefined) checkLength(violations, "link_token", input.linkToken, 1, LIMITS.linkTokenMaxLength);
  if (input.authRequestId !== undefined) checkLength(violations, "auth_request_id", input.authRequestId, 0, LIMITS.authRequestIdMaxLength);
  if (input.code !== undefined && !input.authRequestId) {
    violations.push({ field: "auth_request_id", constraint: "required", description: "value is required when verifying a code" });
  }
  return violations;
}

export function validateResend(input: ResendInput): void {
  const violations: Violation[] = [];
  if (input.authRequestId === "") violations.push({ field: "auth_request_id", constraint: "required", description: "value is required" });
  else checkLength(violations, "auth_request_id", input.authRequestId, 1, LIMITS.authRequestIdMaxLength);
  if (violations.length > 0) fail(violations);
}

export function needsLink(type: PasswordlessType): boolean {
  return type === "LINK" || type === "LINK_OTP";
}

export function needsCode(type: PasswordlessType): boolean {
  return type === "OTP" || type === "LINK_OTP";
}
