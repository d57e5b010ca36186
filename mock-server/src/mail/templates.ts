import { readFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import type { TemplateType } from "../domain/auth-request.js";
import { RESERVED_TEMPLATE_VARIABLES } from "../domain/validation.js";
import { packageRoot } from "../runtime/package-root.js";
import { requiredVariables } from "./render.js";

export interface EmailTemplate {
  subject: string;
  html: string;
  text: string;
  /** Variables the caller must supply in `template_variables`. */
  required: string[];
}

export interface TemplateSet {
  from: string;
  templates: Record<TemplateType, EmailTemplate>;
}

const manifestSchema = z.object({
  from: z.string().min(3),
  templates: z.object({
    SIGNIN: z.object({ subject: z.string(), html: z.string(), text: z.string() }),
    SIGNUP: z.object({ subject: z.string(), html: z.string(), text: z.string() }),
  }),
});

// Deviation D24: our own email templates, not Scalekit's
/** The package's own `fixtures/email-templates`. */
export function defaultTemplateDir(): string {
  return join(packageRoot(), "fixtures", "email-templates");
}

/** Reads a template folder: `manifest.json` plus the HTML and text files it names. */
export function loadTemplates(dir: string = defaultTemplateDir()): TemplateSet {
  const manifest = manifestSchema.parse(JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")));
  const load = (entry: { subject: string; html: string; text: string }): EmailTemplate => {
    const html = readFileSync(join(dir, entry.html), "utf8");
    const text = readFileSync(join(dir, entry.text), "utf8");
    return {
      subject: entry.subject,
      html,
      text,
      required: requiredVariables(entry.subject + html + text, RESERVED_TEMPLATE_VARIABLES),
    };
  };
  return {
    from: manifest.from,
    templates: { SIGNIN: load(manifest.templates.SIGNIN), SIGNUP: load(manifest.templates.SIGNUP) },
  };
}
