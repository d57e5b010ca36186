import { readFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import {
  EMAIL_TEMPLATE_TYPES,
  FILLED_IN_VARIABLES,
  TEMPLATE_FIELDS,
  unsuppliableVariable,
  orderedSource,
  templateSourceSchema,
  type EmailTemplateType,
  type TemplateField,
  type TemplateSource,
} from "../domain/email-template.js";
import { senderSchema } from "../domain/sender.js";
import { LIMITS } from "../domain/validation.js";
import { packageRoot } from "../runtime/package-root.js";
import { compileTemplate, TemplateSyntaxError, type CompiledTemplate } from "./template-syntax.js";

export type { EmailTemplateType, TemplateField, TemplateSource };

/** A template checked and parsed, with what it was made from. */
export interface EmailTemplate {
  /** As written, in the order the mock writes its fields. */
  readonly source: TemplateSource;
  readonly subject: CompiledTemplate;
  readonly html?: CompiledTemplate;
  readonly text?: CompiledTemplate;
  /** Every variable it reads, in any part, sorted. */
  readonly variables: readonly string[];
}

export type EmailTemplates = Partial<Record<EmailTemplateType, EmailTemplate>>;

/** The packaged templates: both types, and the sender. */
export interface TemplateSet {
  from: string;
  templates: Record<EmailTemplateType, EmailTemplate>;
}

/** A part of a template that does not parse or uses what is refused. */
export class TemplateError extends Error {
  readonly field: TemplateField;
  readonly line: number;
  readonly column: number;

  constructor(field: TemplateField, cause: TemplateSyntaxError) {
    super(`${field}: ${cause.message}`, { cause });
    this.name = "TemplateError";
    this.field = field;
    this.line = cause.line;
    this.column = cause.column;
  }
}

/** Parses every part of a template whose shape is valid (templateSourceSchema); throws TemplateError. */
export function compileEmailTemplate(source: TemplateSource): EmailTemplate {
  const parts: Partial<Record<TemplateField, CompiledTemplate>> = {};
  for (const field of TEMPLATE_FIELDS) {
    const text = source[field];
    if (text === undefined) continue;
    try {
      parts[field] = compileTemplate(text);
    } catch (error) {
      if (error instanceof TemplateSyntaxError) throw new TemplateError(field, error);
      throw error;
    }
  }
  checkSuppliable(parts);
  const variables = new Set(Object.values(parts).flatMap((part) => part.variables));
  return {
    source: orderedSource(source),
    subject: parts.subject!,
    ...(parts.html !== undefined && { html: parts.html }),
    ...(parts.text !== undefined && { text: parts.text }),
    variables: [...variables].sort(),
  };
}

/**
 * Refuses a template no send could satisfy: one reading a name a send's
 * template_variables cannot hold, or more such names than a send may give.
 */
function checkSuppliable(parts: Partial<Record<TemplateField, CompiledTemplate>>): void {
  const supplied = new Set<string>();
  for (const field of TEMPLATE_FIELDS) {
    const part = parts[field];
    if (part === undefined) continue;
    for (const [name, offset] of part.firstUses) {
      if (FILLED_IN_VARIABLES.has(name) || supplied.has(name)) continue;
      const problem = unsuppliableVariable(name);
      if (problem !== undefined) throw new TemplateError(field, new TemplateSyntaxError(problem, part.source, offset));
      supplied.add(name);
      if (supplied.size > LIMITS.templateVariablesMaxPairs) {
        const max = LIMITS.templateVariablesMaxPairs;
        const message = `"${name}" is variable ${max + 1} a send must supply, but a send's template_variables hold at most ${max}: read fewer`;
        throw new TemplateError(field, new TemplateSyntaxError(message, part.source, offset));
      }
    }
  }
}

/** A template folder that cannot be used: the message names the file and says what to do. */
export class TemplateDirError extends Error {}

const manifestSchema = z
  .object({
    from: senderSchema.optional(),
    templates: z
      .object(Object.fromEntries(EMAIL_TEMPLATE_TYPES.map((type) => [type, z.object({ subject: z.string(), html: z.string().optional(), text: z.string().optional() }).strict().optional()])))
      .strict(),
  })
  .strict();

/** What a template folder holds: a sender, and templates of some types. */
export interface TemplateDir {
  from?: string;
  templates: EmailTemplates;
}

function readText(dir: string, file: string, what: string): string {
  try {
    return readFileSync(join(dir, file), "utf8");
  } catch (error) {
    throw new TemplateDirError(`cannot read ${join(dir, file)} (${what}): ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
}

/**
 * Reads a template folder: `manifest.json` (`from`, and per type a `subject`
 * and the `html` and/or `text` file, relative to the folder). Throws
 * TemplateDirError naming the file, line and column of what is wrong.
 */
export function readTemplateDir(dir: string): TemplateDir {
  const manifestPath = join(dir, "manifest.json");
  let json: unknown;
  try {
    json = JSON.parse(readText(dir, "manifest.json", "the template manifest"));
  } catch (error) {
    if (error instanceof TemplateDirError) throw error;
    throw new TemplateDirError(`${manifestPath} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => `${issue.path.join(".") || "(manifest)"}: ${issue.message}`).join("; ");
    throw new TemplateDirError(`${manifestPath} is not a template manifest: ${issues}. Expected {"from"?, "templates": {"SIGNIN"?: {"subject", "html"?, "text"?}, "SIGNUP"?: …}}`);
  }
  const templates: EmailTemplates = {};
  for (const type of EMAIL_TEMPLATE_TYPES) {
    const entry = parsed.data.templates[type];
    if (entry === undefined) continue;
    const files: Partial<Record<TemplateField, string>> = { subject: manifestPath };
    const source: Record<string, string> = { subject: entry.subject };
    for (const field of ["html", "text"] as const) {
      const file = entry[field];
      if (file === undefined) continue;
      files[field] = join(dir, file);
      source[field] = readText(dir, file, `the ${field} body of ${type}`);
    }
    const shape = templateSourceSchema.safeParse(source);
    if (!shape.success) {
      const issues = shape.error.issues.map((issue) => `${issue.path.join(".") || type}: ${issue.message}`).join("; ");
      throw new TemplateDirError(`template ${type} in ${manifestPath} is not usable: ${issues}`);
    }
    try {
      templates[type] = compileEmailTemplate(shape.data);
    } catch (error) {
      if (!(error instanceof TemplateError)) throw error;
      const where = error.field === "subject" ? `${manifestPath} (the subject of ${type})` : files[error.field];
      throw new TemplateDirError(`${where}: line ${error.line}, column ${error.column}: ${(error.cause as TemplateSyntaxError).problem}; fix the template and start again`);
    }
  }
  return { ...(parsed.data.from !== undefined && { from: parsed.data.from }), templates };
}

// Deviation D24: our own email templates, not Scalekit's
/** The package's own `fixtures/email-templates`. */
export function defaultTemplateDir(): string {
  return join(packageRoot(), "fixtures", "email-templates");
}

/** The packaged templates: a sender and both types. */
export function loadTemplates(dir: string = defaultTemplateDir()): TemplateSet {
  const read = readTemplateDir(dir);
  const { SIGNIN, SIGNUP } = read.templates;
  if (read.from === undefined || SIGNIN === undefined || SIGNUP === undefined) {
    throw new TemplateDirError(`${join(dir, "manifest.json")} must give "from" and both SIGNIN and SIGNUP templates`);
  }
  return { from: read.from, templates: { SIGNIN, SIGNUP } };
}

/** Templates given in code (`createMockScalekit({ templates: {…} })`): a sender and sources by type. */
export type TemplateObject = { from?: string } & Partial<Record<EmailTemplateType, TemplateSource>>;

/**
 * Compiles templates given by type (in code, or in a snapshot); `refuse`
 * turns the first that does not parse into the caller's own error.
 */
export function compileTemplateSources(
  sources: Partial<Record<EmailTemplateType, TemplateSource>> | undefined,
  refuse: (error: TemplateError, type: EmailTemplateType) => Error,
): EmailTemplates {
  const templates: EmailTemplates = {};
  for (const type of EMAIL_TEMPLATE_TYPES) {
    const source = sources?.[type];
    if (source === undefined) continue;
    try {
      templates[type] = compileEmailTemplate(source);
    } catch (error) {
      if (error instanceof TemplateError) throw refuse(error, type);
      throw error;
    }
  }
  return templates;
}

/** Templates given in code, checked like a folder's; throws TemplateDirError naming the part, line and column. */
export function compileTemplateObject(object: TemplateObject): TemplateDir {
  const templates = compileTemplateSources(
    object,
    (error, type) =>
      new TemplateDirError(`templates.${type}.${error.field}: line ${error.line}, column ${error.column}: ${(error.cause as TemplateSyntaxError).problem}; fix the template`),
  );
  return { ...(object.from !== undefined && { from: object.from }), templates };
}
