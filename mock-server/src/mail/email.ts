import { magicLink, type AuthRequest, type TemplateType } from "../domain/auth-request.js";
import { describeSeconds } from "../domain/duration.js";
import { ERROR_CODES, ScalekitError } from "../domain/errors.js";
import { escapeHtml, renderTemplate } from "./render.js";
import type { TemplateSet } from "./templates.js";

/** An email as the mock captured it. */
export interface CapturedEmail {
  id: string;
  /** Increases by one for every email an environment captures: a cursor for `after=`. */
  seq: number;
  environmentId: string;
  authRequestId: string;
  kind: "send" | "resend";
  from: string;
  to: string;
  subject: string;
  /** Epoch ms on the mock clock. */
  date: number;
  template: TemplateType;
  otp?: string;
  link?: string;
  linkToken?: string;
  /** Generation of the credentials it carries (see `Credentials.generation`). */
  generation: number;
  /** Epoch ms when its auth request expired, as of this email. */
  expiresAt: number;
  html: string;
  text: string;
}

export type EmailDraft = Omit<CapturedEmail, "seq">;

/** Fails when the template uses a variable the send did not supply. */
export function assertTemplateVariables(templates: TemplateSet, template: TemplateType, supplied: Record<string, string>): void {
  const missing = templates.templates[template].required.filter((name) => supplied[name] === undefined);
  if (missing.length > 0) {
    throw new ScalekitError(
      "InvalidArgument",
      ERROR_CODES.templateVariableMissing,
      `template ${template} uses ${missing.map((n) => `"${n}"`).join(", ")}: supply ${missing.length === 1 ? "it" : "them"} in template_variables`,
      { field: "template_variables" },
    );
  }
}

/** "2026-11-28 10:05 UTC": how the expiry reads in an email body. */
function formatExpiry(epochMs: number): string {
  return new Date(epochMs).toISOString().replace("T", " ").slice(0, 16) + " UTC";
}

/** Renders the email an auth request sends now. */
export function composeEmail(
  templates: TemplateSet,
  request: AuthRequest,
  options: { id: string; kind: "send" | "resend"; now: number },
): EmailDraft {
  const link = magicLink(request);
  const { code, linkToken, generation } = request.credentials;
  const variables: Record<string, string> = {
    ...request.templateVariables,
    ...(code !== undefined && { otp: code }),
    ...(link !== undefined && { link }),
    expiry_time_relative: describeSeconds(request.expiresIn),
    expiry_time: formatExpiry(request.expiresAt),
    expire_time: formatExpiry(request.expiresAt),
  };
  const template = templates.templates[request.template];
  return {
    id: options.id,
    environmentId: request.environmentId,
    authRequestId: request.id,
    kind: options.kind,
    from: templates.from,
    to: request.email,
    subject: renderTemplate(template.subject, variables).replace(/\s+/g, " ").trim(),
    date: options.now,
    template: request.template,
    ...(code !== undefined && { otp: code }),
    ...(link !== undefined && { link }),
    ...(linkToken !== undefined && { linkToken }),
    generation,
    expiresAt: request.expiresAt,
    html: renderTemplate(template.html, variables, escapeHtml),
    text: renderTemplate(template.text, variables),
  };
}
