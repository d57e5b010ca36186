import { EMAIL_TEMPLATE_TYPES, type EmailTemplateType, type TemplateSource } from "../domain/email-template.js";
import { quote } from "../domain/preview.js";
import { emailVariables, missingVariables, renderHtml, renderSubject, renderText } from "../mail/email.js";
import { compileEmailTemplate, compileTemplateSources, TemplateError, type EmailTemplate, type EmailTemplates } from "../mail/templates.js";
import { templatePreviewInput, templatePut } from "../schemas/control.js";
import type { Environment } from "../state/environment.js";
import { ControlError, notFound, parseInput } from "./control-error.js";

/** One template type as the control API shows it: the template as written, and whether it is the environment's own. */
export type TemplateView = {
  type: EmailTemplateType;
  /** The environment's own, not the packaged one. */
  custom: boolean;
} & TemplateSource & {
  /** Variables a send must supply in `template_variables` (the mock fills in the rest). */
  variablesRequired: string[];
};

export interface TemplatePreview {
  subject: string;
  html?: string;
  text?: string;
  /** Variables neither the mock nor the preview's `template_variables` gave: a send would need them. */
  variablesRequired: string[];
}

/** Values a preview shows where a send would put the credentials it issues. */
const SAMPLE = {
  code: "1234567890",
  link: "https://app.example.test/passwordless/verify?link_token=00000000-0000-4000-8000-000000000000_l",
  to: "user@example.com",
};

/** A template that does not parse, as a 400 naming the part (`html`, or `state.templates.SIGNIN.html`), line and column. */
export function templateRefusal(error: TemplateError, prefix = ""): ControlError {
  const field = `${prefix}${error.field}`;
  return new ControlError(400, "INVALID_ARGUMENT", `invalid template: ${prefix}${error.message}`, [{ field, line: error.line, column: error.column, message: error.message }], {
    cause: error,
  });
}

/** Compiles templates of a shape already checked; a refusal names `prefix` + type + part. */
export function compileTemplates(sources: Partial<Record<EmailTemplateType, TemplateSource>> | undefined, prefix: string): EmailTemplates {
  return compileTemplateSources(sources, (error, type) => templateRefusal(error, `${prefix}${type}.`));
}

function templateType(type: string): EmailTemplateType {
  if ((EMAIL_TEMPLATE_TYPES as readonly string[]).includes(type)) return type as EmailTemplateType;
  throw notFound(`no template type ${quote(type)}: use ${EMAIL_TEMPLATE_TYPES.join(" or ")}`);
}

function compile(source: TemplateSource): EmailTemplate {
  try {
    return compileEmailTemplate(source);
  } catch (error) {
    if (error instanceof TemplateError) throw templateRefusal(error);
    throw error;
  }
}

/**
 * The email templates of one environment: list, read, replace, restore the
 * packaged one, preview. A template is checked whole (shape, size, syntax)
 * before it replaces anything.
 */
export class TemplateControl {
  readonly #env: Environment;

  constructor(env: Environment) {
    this.#env = env;
  }

  list(): TemplateView[] {
    return EMAIL_TEMPLATE_TYPES.map((type) => this.#view(type));
  }

  get(type: string): TemplateView {
    return this.#view(templateType(type));
  }

  /** Replaces the environment's template of this type. */
  put(type: string, input: unknown): TemplateView {
    const checked = templateType(type);
    this.#env.templates.set(checked, compile(parseInput(templatePut, input, "template")));
    return this.#view(checked);
  }

  /** Back to the packaged template; returns it. */
  delete(type: string): TemplateView {
    const checked = templateType(type);
    this.#env.templates.delete(checked);
    return this.#view(checked);
  }

  /**
   * Renders the stored template (or `template` from the input) with sample
   * credentials, the settings' built-in values and the input's
   * `template_variables`, as a send from this environment would.
   */
  preview(type: string, input: unknown = {}): TemplatePreview {
    const checked = templateType(type);
    const body = parseInput(templatePreviewInput, input, "preview");
    const template = body.template === undefined ? this.#env.templates.active(checked) : compile(body.template);
    const settings = this.#env.settings;
    const passwordlessType = settings.passwordlessType;
    const supplied = body.template_variables ?? {};
    const variables = emailVariables({
      settings,
      to: body.email ?? SAMPLE.to,
      templateVariables: supplied,
      ...(passwordlessType !== "LINK" && { otp: SAMPLE.code.slice(0, settings.otpLength) }),
      ...(passwordlessType !== "OTP" && { link: SAMPLE.link }),
      expiresIn: settings.defaultExpiresIn,
      expiresAt: this.#env.clock.now() + settings.defaultExpiresIn * 1000,
    });
    const html = renderHtml(template, variables);
    const text = renderText(template, variables);
    return {
      subject: renderSubject(template, variables),
      ...(html !== undefined && { html }),
      ...(text !== undefined && { text }),
      variablesRequired: missingVariables(template, supplied),
    };
  }

  #view(type: EmailTemplateType): TemplateView {
    const template = this.#env.templates.active(type);
    return { type, custom: this.#env.templates.custom(type) !== undefined, ...template.source, variablesRequired: missingVariables(template, {}) };
  }
}
