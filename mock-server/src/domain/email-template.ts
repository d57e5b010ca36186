import { z } from "zod";
import type { Settings } from "./settings.js";
import { LIMITS, RESERVED_TEMPLATE_VARIABLES } from "./validation.js";

/** The email templates an environment has: one per send template. */
export const EMAIL_TEMPLATE_TYPES = ["SIGNIN", "SIGNUP"] as const;
export type EmailTemplateType = (typeof EMAIL_TEMPLATE_TYPES)[number];

/** The parts of a template, as the control API and errors name them. */
export const TEMPLATE_FIELDS = ["subject", "html", "text"] as const;
export type TemplateField = (typeof TEMPLATE_FIELDS)[number];

// Deviation D56: template size limits of the mock
/** Characters a template part may have: a subject is one header line, a body a whole email. */
export const TEMPLATE_LIMITS = { subject: 1_000, body: 256 * 1024 } as const;

/** Bytes a JSON string may take per UTF-16 unit of its value: a control character is written \u001f. */
const JSON_BYTES_PER_UNIT = 6;

/**
 * The largest body a template route (`PUT /templates/{type}`, preview) needs:
 * a whole template at the limits above plus a preview's variables and address,
 * every character escaped, and room for the JSON around them. The limits
 * count UTF-16 units; this is what they take as JSON bytes at worst.
 */
export const TEMPLATE_ROUTE_BODY_LIMIT =
  JSON_BYTES_PER_UNIT *
    (TEMPLATE_LIMITS.subject +
      2 * TEMPLATE_LIMITS.body +
      LIMITS.templateVariablesMaxPairs * (LIMITS.templateVariableKeyMaxLength + LIMITS.templateVariableValueMaxLength) +
      LIMITS.emailMaxLength) +
  4096;

/** How deep sections may nest: rendering recurses once per level, and no email needs more. */
export const SECTION_DEPTH_MAX = 50;

/**
 * Built-in variables every template may use, and the setting each comes from
 * (`user_email` is the recipient instead). Scalekit documents the names.
 */
export const BUILT_IN_SETTINGS = {
  app_name: "appName",
  app_logo_url: "appLogoUrl",
  app_support_email: "appSupportEmail",
  app_organization_meta_name: "appOrganizationMetaName",
  organization_name: "organizationName",
  user_name: "userName",
} as const satisfies Record<string, keyof Settings>;

export const BUILT_IN_TEMPLATE_VARIABLES = [...(Object.keys(BUILT_IN_SETTINGS) as (keyof typeof BUILT_IN_SETTINGS)[]), "user_email"] as const;

/** Variables the mock fills in: the built-in ones (from settings) and the contextual ones (credentials, expiry). */
export const FILLED_IN_VARIABLES: ReadonlySet<string> = new Set([...BUILT_IN_TEMPLATE_VARIABLES, ...RESERVED_TEMPLATE_VARIABLES]);

/**
 * Why no send could supply `name`, or undefined when one can: the rules of a
 * send's template_variables keys (LIMITS), applied to what a template reads.
 */
export function unsuppliableVariable(name: string): string | undefined {
  if (FILLED_IN_VARIABLES.has(name)) return undefined;
  const { templateVariableKeyMinLength: min, templateVariableKeyMaxLength: max } = LIMITS;
  if (name.length < min || name.length > max) {
    return `"${name}" has ${name.length} character${name.length === 1 ? "" : "s"}, but a send's template_variables keys have ${min}–${max}, so no send could supply it: rename it`;
  }
  return undefined;
}

/** The built-in variables' values for an email to `recipient`. */
export function builtInVariables(settings: Settings, recipient: string): Record<string, string> {
  const values: Record<string, string> = Object.create(null);
  for (const [name, key] of Object.entries(BUILT_IN_SETTINGS)) values[name] = settings[key];
  values.user_email = recipient;
  return values;
}

/**
 * A template as written: a subject and at least one body. With both bodies
 * the email is multipart/alternative; with one, that part alone.
 */
export const templateSourceSchema = z
  .object({
    subject: z.string().min(1, "a template needs a subject").max(TEMPLATE_LIMITS.subject),
    html: z.string().min(1).max(TEMPLATE_LIMITS.body).optional(),
    text: z.string().min(1).max(TEMPLATE_LIMITS.body).optional(),
  })
  .strict()
  .refine((source) => source.html !== undefined || source.text !== undefined, { message: "give html, text or both: an email needs a body" });

export type TemplateSource = z.output<typeof templateSourceSchema>;

/** Only the template's own fields, in the order the mock writes them (snapshots read back byte for byte). */
export function orderedSource(source: TemplateSource): TemplateSource {
  return {
    subject: source.subject,
    ...(source.html !== undefined && { html: source.html }),
    ...(source.text !== undefined && { text: source.text }),
  };
}
