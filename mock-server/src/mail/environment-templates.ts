import { EMAIL_TEMPLATE_TYPES, type EmailTemplateType, type TemplateSource } from "../domain/email-template.js";
import { loadTemplates, type EmailTemplate, type EmailTemplates, type TemplateDir, type TemplateSet } from "./templates.js";

let packaged: TemplateSet | undefined;

/** The packaged templates, read once per process: every environment falls back to them. */
export function packagedTemplates(): TemplateSet {
  packaged ??= loadTemplates();
  return packaged;
}

/**
 * The email templates of one environment: its own (custom) ones where it has
 * them, the packaged ones otherwise. Templates are immutable: an email keeps
 * the one it was composed with when the environment's changes later.
 */
export class EnvironmentTemplates {
  /** The sender of every email: the template folder's (`--templates`), else the packaged one. */
  readonly from: string;
  readonly #packaged: TemplateSet;
  /** What the environment starts with, and what reset goes back to. */
  readonly #initial: EmailTemplates;
  #custom: EmailTemplates;

  constructor(options: { packaged?: TemplateSet; initial?: TemplateDir } = {}) {
    this.#packaged = options.packaged ?? packagedTemplates();
    this.#initial = { ...options.initial?.templates };
    this.#custom = { ...this.#initial };
    this.from = options.initial?.from ?? this.#packaged.from;
  }

  /** The template a send of this type uses now. */
  active(type: EmailTemplateType): EmailTemplate {
    return this.#custom[type] ?? this.#packaged.templates[type];
  }

  /** The environment's own template of this type, if it has one. */
  custom(type: EmailTemplateType): EmailTemplate | undefined {
    return this.#custom[type];
  }

  set(type: EmailTemplateType, template: EmailTemplate): void {
    this.#custom = { ...this.#custom, [type]: template };
  }

  /** Back to the packaged template; whether there was a custom one. */
  delete(type: EmailTemplateType): boolean {
    const had = this.#custom[type] !== undefined;
    const { [type]: _dropped, ...rest } = this.#custom;
    this.#custom = rest;
    return had;
  }

  /** Back to the templates it started with. */
  reset(): void {
    this.#custom = { ...this.#initial };
  }

  /** Replaces every custom template (a snapshot's). */
  replace(templates: EmailTemplates): void {
    this.#custom = { ...templates };
  }

  /** The custom templates as written, by type; undefined when there are none. */
  export(): Partial<Record<EmailTemplateType, TemplateSource>> | undefined {
    const entries = EMAIL_TEMPLATE_TYPES.flatMap((type) => {
      const template = this.#custom[type];
      return template === undefined ? [] : [[type, template.source] as const];
    });
    return entries.length === 0 ? undefined : Object.fromEntries(entries);
  }
}
