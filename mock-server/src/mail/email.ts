import { magicLink, type AuthRequest, type TemplateType } from "../domain/auth-request.js";
import { describeSeconds } from "../domain/duration.js";
import { ERROR_CODES, ScalekitError } from "../domain/errors.js";
import type { MailOperation } from "../domain/operations.js";
import { escapeHtml, renderTemplate } from "./render.js";
import type { EmailTemplate, TemplateSet } from "./templates.js";

/** An email as the mock captured it. */
export interface CapturedEmail {
  id: string;
  /** Increases by one for every email an environment captures: a cursor for `after=`. */
  seq: number;
  environmentId: string;
  authRequestId: string;
  kind: MailOperation;
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
  const missing = templates.templates[template].required.filter((name) => !Object.hasOwn(supplied, name));
  if (missing.length > 0) {
    throw new ScalekitError(
      "InvalidArgument",
      ERROR_CODES.templateVariableMissing,
      `template ${template} uses ${missing.map((n) => `"${n}"`).join(", ")}: supply ${missing.length === 1 ? "it" : "them"} in template_variables`,
      { field: "template_variables" },
    );
  }
}

/**
 * Characters that break or hide a header line: C0 controls (CR, LF, NUL, tab…), DEL, and the
 * line breaks of Unicode (NEL, line and paragraph separators). Template variables may hold any
 * text, but a subject is one header line, and a snapshot refuses one with control characters.
 */
const NOT_IN_A_HEADER_LINE = /[\x00-\x1f\x7f\u0085\u2028\u2029]/g;

/** Text as one header line: what would break it becomes a space, runs of spaces one space. */
function oneHeaderLine(text: string): string {
  return text.replace(NOT_IN_A_HEADER_LINE, " ").replace(/\s+/g, " ").trim();
}

// Deviation D25: expiry written as "2026-11-28 10:05 UTC"
/** "2026-11-28 10:05 UTC": how the expiry reads in an email body. */
function formatExpiry(epochMs: number): string {
  return new Date(epochMs).toISOString().replace("T", " ").slice(0, 16) + " UTC";
}

/**
 * An email as composed for an auth request. Its subject and bodies render when read, with
 * the same output every time: an inbox of many emails keeps only what they are
 * made from, and a send that nobody reads never renders them.
 */
class ComposedEmail implements CapturedEmail {
  seq = 0;
  readonly id: string;
  readonly environmentId: string;
  readonly authRequestId: string;
  readonly kind: MailOperation;
  readonly from: string;
  readonly to: string;
  readonly date: number;
  readonly template: TemplateType;
  readonly otp?: string;
  readonly link?: string;
  readonly linkToken?: string;
  readonly generation: number;
  readonly expiresAt: number;
  readonly #source: EmailTemplate;
  readonly #templateVariables: Readonly<Record<string, string>>;
  readonly #expiresIn: number;

  constructor(templates: TemplateSet, request: AuthRequest, options: { id: string; kind: MailOperation; now: number }) {
    const { code, linkToken, generation } = request.credentials;
    const link = magicLink(request);
    this.id = options.id;
    this.environmentId = request.environmentId;
    this.authRequestId = request.id;
    this.kind = options.kind;
    this.from = templates.from;
    this.to = request.email;
    this.date = options.now;
    this.template = request.template;
    if (code !== undefined) this.otp = code;
    if (link !== undefined) this.link = link;
    if (linkToken !== undefined) this.linkToken = linkToken;
    this.generation = generation;
    this.expiresAt = request.expiresAt;
    this.#source = templates.templates[request.template];
    this.#templateVariables = request.templateVariables;
    this.#expiresIn = request.expiresIn;
  }

  #variables(): Record<string, string> {
    const expiresIn = this.#expiresIn;
    const expiresAt = this.expiresAt;
    // The mock's own variables are getters: a template that does not use one never formats it.
    return {
      ...this.#templateVariables,
      ...(this.otp !== undefined && { otp: this.otp }),
      ...(this.link !== undefined && { link: this.link }),
      get expiry_time_relative() {
        return describeSeconds(expiresIn);
      },
      get expiry_time() {
        return formatExpiry(expiresAt);
      },
      get expire_time() {
        return formatExpiry(expiresAt);
      },
    };
  }

  get subject(): string {
    return oneHeaderLine(renderTemplate(this.#source.subject, this.#variables()));
  }

  get html(): string {
    return renderTemplate(this.#source.html, this.#variables(), escapeHtml);
  }

  get text(): string {
    return renderTemplate(this.#source.text, this.#variables());
  }

  /** Plain data with the bodies, for snapshots and JSON. */
  toJSON(): CapturedEmail {
    return { ...this, subject: this.subject, html: this.html, text: this.text };
  }
}

/** Composes the email an auth request sends now; `seq` is set when an inbox captures it. */
export function composeEmail(templates: TemplateSet, request: AuthRequest, options: { id: string; kind: MailOperation; now: number }): EmailDraft {
  return new ComposedEmail(templates, request, options);
}
