import { magicLink, type AuthRequest, type TemplateType } from "../domain/auth-request.js";
import { describeSeconds } from "../domain/duration.js";
import { builtInVariables, FILLED_IN_VARIABLES } from "../domain/email-template.js";
import { ERROR_CODES, ScalekitError } from "../domain/errors.js";
import type { MailOperation } from "../domain/operations.js";
import type { Settings } from "../domain/settings.js";
import { escapeHtml, renderTemplate } from "./template-syntax.js";
import type { EmailTemplate } from "./templates.js";

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
  /** The HTML body; absent when the template has none. */
  html?: string;
  /** The plain-text body; absent when the template has none. */
  text?: string;
}

export type EmailDraft = Omit<CapturedEmail, "seq">;


/** The variables a template reads that neither the mock nor `supplied` gives, sorted. */
export function missingVariables(template: EmailTemplate, supplied: Readonly<Record<string, string>>): string[] {
  return template.variables.filter((name) => !FILLED_IN_VARIABLES.has(name) && !Object.hasOwn(supplied, name));
}

/** Fails when the template uses a variable the send did not supply (Scalekit answers 400). */
export function assertTemplateVariables(template: EmailTemplate, type: TemplateType, supplied: Readonly<Record<string, string>>, kind: MailOperation = "send"): void {
  const missing = missingVariables(template, supplied);
  if (missing.length > 0) {
    const names = missing.map((n) => `"${n}"`).join(", ");
    const them = missing.length === 1 ? "it" : "them";
    // A resend carries no template_variables: it can only reuse the send's.
    const hint =
      kind === "send"
        ? `which the request does not provide: supply ${them} in template_variables, or change the template`
        : `which the original send did not supply: send a new email with ${them}, or change the template`;
    throw new ScalekitError("InvalidArgument", ERROR_CODES.templateVariableMissing, `the ${type} email template uses ${names}, ${hint}`, { field: "template_variables" });
  }
}

/** What an email is composed from, besides its auth request: captured at send, so later changes leave it as it was. */
export interface EmailSource {
  template: EmailTemplate;
  from: string;
  /** The settings at send: the built-in variables' values. */
  settings: Settings;
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

/** What the variables of one email are made from. */
export interface EmailContext {
  settings: Settings;
  /** The recipient: `{{user_email}}`. */
  to: string;
  templateVariables: Readonly<Record<string, string>>;
  otp?: string;
  link?: string;
  /** Seconds. */
  expiresIn: number;
  /** Epoch ms. */
  expiresAt: number;
}

/** Every variable a template may read for this email. */
export function emailVariables(context: EmailContext): Record<string, string> {
  const { expiresIn, expiresAt } = context;
  // Deviation D54: a request's template variable overrides a built-in one of the same name
  // Contextual variables the passwordless type does not send render empty, so sections can test them.
  // The formatted times are getters: a template that does not use one never formats it.
  return {
    ...builtInVariables(context.settings, context.to),
    ...context.templateVariables,
    otp: context.otp ?? "",
    link: context.link ?? "",
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

export function renderSubject(template: EmailTemplate, variables: Readonly<Record<string, string>>): string {
  return oneHeaderLine(renderTemplate(template.subject, variables));
}

/** The HTML body, values HTML-escaped; undefined when the template has none. */
export function renderHtml(template: EmailTemplate, variables: Readonly<Record<string, string>>): string | undefined {
  return template.html === undefined ? undefined : renderTemplate(template.html, variables, escapeHtml);
}

/** The plain-text body, values as they are; undefined when the template has none. */
export function renderText(template: EmailTemplate, variables: Readonly<Record<string, string>>): string | undefined {
  return template.text === undefined ? undefined : renderTemplate(template.text, variables);
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
  readonly #settings: Settings;
  readonly #templateVariables: Readonly<Record<string, string>>;
  readonly #expiresIn: number;

  constructor(source: EmailSource, request: AuthRequest, options: { id: string; kind: MailOperation; now: number }) {
    const { code, linkToken, generation } = request.credentials;
    const link = magicLink(request);
    this.id = options.id;
    this.environmentId = request.environmentId;
    this.authRequestId = request.id;
    this.kind = options.kind;
    this.from = source.from;
    this.to = request.email;
    this.date = options.now;
    this.template = request.template;
    if (code !== undefined) this.otp = code;
    if (link !== undefined) this.link = link;
    if (linkToken !== undefined) this.linkToken = linkToken;
    this.generation = generation;
    this.expiresAt = request.expiresAt;
    this.#source = source.template;
    this.#settings = source.settings;
    this.#templateVariables = request.templateVariables;
    this.#expiresIn = request.expiresIn;
  }

  #variables(): Record<string, string> {
    return emailVariables({
      settings: this.#settings,
      to: this.to,
      templateVariables: this.#templateVariables,
      ...(this.otp !== undefined && { otp: this.otp }),
      ...(this.link !== undefined && { link: this.link }),
      expiresIn: this.#expiresIn,
      expiresAt: this.expiresAt,
    });
  }

  get subject(): string {
    return renderSubject(this.#source, this.#variables());
  }

  get html(): string | undefined {
    return renderHtml(this.#source, this.#variables());
  }

  get text(): string | undefined {
    return renderText(this.#source, this.#variables());
  }

  /** Plain data with the bodies, for snapshots and JSON. */
  toJSON(): CapturedEmail {
    const { html, text } = this;
    return { ...this, subject: this.subject, ...(html !== undefined && { html }), ...(text !== undefined && { text }) };
  }
}

/** Composes the email an auth request sends now; `seq` is set when an inbox captures it. */
export function composeEmail(source: EmailSource, request: AuthRequest, options: { id: string; kind: MailOperation; now: number }): EmailDraft {
  return new ComposedEmail(source, request, options);
}
