import Mustache from "mustache";
import { SECTION_DEPTH_MAX } from "../domain/email-template.js";

/**
 * The template language of email templates: Mustache, as Scalekit's
 * `{{ name }}` syntax reads, limited to what a view of plain strings can
 * answer safely:
 *   {{name}} {{ name }}   the value, HTML-escaped in an HTML body
 *   {{{name}}} {{&name}}  the value, never escaped
 *   {{#name}}…{{/name}}   the block, only when the value is non-empty
 *   {{^name}}…{{/name}}   the block, only when the value is empty (a name a send must supply is required here too)
 *   {{! comment }}
 * Names are letters, digits and `_`. Partials, dotted names, `{{.}}` and
 * set-delimiter tags are refused: the first read other templates or walk into
 * a value's properties, the last would make a template unreadable as
 * Scalekit's syntax.
 */

type Token = [type: string, value: string, start: number, end: number, children?: Token[]];

export interface CompiledTemplate {
  /** The template as written. */
  readonly source: string;
  readonly tokens: readonly Token[];
  /** Every name it reads, in variables and sections, sorted. */
  readonly variables: readonly string[];
  /** Where each name is first read (the offset of its tag), in source order. */
  readonly firstUses: ReadonlyMap<string, number>;
}

export type Escape = (value: string) => string;

// Deviation D53: Mustache with plain names; partials, dotted names and set-delimiter tags refused
const NAME = /^[A-Za-z0-9_]+$/;
const ALLOWED = new Set(["text", "name", "&", "#", "^", "!"]);
const REFUSED: Record<string, string> = {
  ">": "partials ({{> name}}) are not supported: write the text into the template",
  "=": "set-delimiter tags ({{=<% %>=}}) are not supported: templates use {{ }}",
};

/** A template that does not parse, or uses what the mock refuses; `line` and `column` count from 1. */
export class TemplateSyntaxError extends Error {
  readonly line: number;
  readonly column: number;
  /** What is wrong, without the position. */
  readonly problem: string;

  constructor(problem: string, source: string, offset: number) {
    const { line, column } = lineAndColumn(source, offset);
    super(`line ${line}, column ${column}: ${problem}`);
    this.name = "TemplateSyntaxError";
    this.problem = problem;
    this.line = line;
    this.column = column;
  }
}

export function lineAndColumn(source: string, offset: number): { line: number; column: number } {
  const before = source.slice(0, Math.max(0, Math.min(offset, source.length)));
  const lastBreak = before.lastIndexOf("\n");
  return { line: before.split("\n").length, column: before.length - lastBreak };
}

// A writer of our own, its cache emptied after every parse: templates come from users, and
// Mustache's default writer would keep every one it ever parsed. Rendering starts from tokens,
// so nothing is parsed (or cached) again.
const writer = new Mustache.Writer();

function parse(source: string): Token[] {
  try {
    return writer.parse(source) as Token[];
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    // Mustache ends its messages with the character offset: "Unclosed section "x" at 45".
    const match = / at (\d+)$/.exec(message);
    let offset = match === null ? 0 : Number(match[1]);
    // A section left open is found at the end of the input; point at its opening tag instead.
    if (match !== null && offset >= source.length && message.startsWith("Unclosed section")) offset = lastOpenSection(source) ?? offset;
    throw new TemplateSyntaxError(match === null ? message : message.slice(0, match.index), source, offset);
  } finally {
    writer.clearCache();
  }
}

/**
 * Where the innermost section still open at the end starts, reading tags as
 * Mustache's scanner does (only called once Mustache has read every tag). A
 * template that changes delimiters is left to Mustache's position: such
 * templates are refused anyway.
 */
function lastOpenSection(source: string): number | undefined {
  if (/\{\{\s*=/.test(source)) return undefined;
  const open: number[] = [];
  const tag = /\{\{\s*([#^/{]?)/g;
  for (let found = tag.exec(source); found !== null; found = tag.exec(source)) {
    const type = found[1];
    // A triple mustache ends at "}}}", every other tag at the first "}}".
    const end = type === "{" ? source.indexOf("}}}", tag.lastIndex) : source.indexOf("}}", tag.lastIndex);
    if (end < 0) return undefined;
    if (type === "#" || type === "^") open.push(found.index);
    else if (type === "/") open.pop();
    tag.lastIndex = end + (type === "{" ? 3 : 2);
  }
  return open.at(-1);
}

function describeTag(token: Token, source: string): string {
  return source.slice(token[2], token[3]);
}

/**
 * Checks every tag, and how deep sections nest, walking the token tree with a
 * stack of its own: a template is user input, and recursing once per level
 * would let one overflow the call stack here or, later, in Mustache's renderer.
 */
function check(tokens: readonly Token[], source: string, names: Map<string, number>): void {
  // One frame per open section: its tokens and how far they are read. Tags are checked in source order.
  const frames: { tokens: readonly Token[]; next: number }[] = [{ tokens, next: 0 }];
  while (frames.length > 0) {
    const frame = frames[frames.length - 1]!;
    const token = frame.tokens[frame.next++];
    if (token === undefined) {
      frames.pop();
      continue;
    }
    const [type, value] = token;
    if (!ALLOWED.has(type)) {
      throw new TemplateSyntaxError(REFUSED[type] ?? `the tag ${describeTag(token, source)} is not supported`, source, token[2]);
    }
    if (type === "text" || type === "!") continue;
    if (!NAME.test(value)) {
      throw new TemplateSyntaxError(
        `${JSON.stringify(value)} in ${describeTag(token, source)} is not a variable name: use letters, digits and _ only (no dots, no {{.}})`,
        source,
        token[2],
      );
    }
    if (!names.has(value)) names.set(value, token[2]);
    if (token[4] === undefined) continue;
    // frames holds the top level and every section around this one: their count is this section's depth.
    if (frames.length > SECTION_DEPTH_MAX) {
      throw new TemplateSyntaxError(
        `sections nest more than ${SECTION_DEPTH_MAX} levels deep: close some before ${describeTag(token, source)} (at most ${SECTION_DEPTH_MAX} open at once)`,
        source,
        token[2],
      );
    }
    frames.push({ tokens: token[4], next: 0 });
  }
}

/** Parses and checks a template; throws TemplateSyntaxError naming the line and column. */
export function compileTemplate(source: string): CompiledTemplate {
  const tokens = parse(source);
  const names = new Map<string, number>();
  check(tokens, source, names);
  return { source, tokens, variables: [...names.keys()].sort(), firstUses: names };
}

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

const verbatim: Escape = (value) => value;

/**
 * What Mustache asks names of while rendering. Its own Context looks names up
 * with `in` and keeps a cache in a plain object, so `{{constructor}}` would
 * find Object.prototype's and a variable named `hasOwnProperty` would break
 * the cache. Values are strings, so a section pushes nothing worth looking
 * into: the same view answers inside it.
 */
class StringView {
  readonly #values: Record<string, string>;

  constructor(values: Record<string, string>) {
    this.#values = values;
  }

  lookup(name: string): string | undefined {
    return Object.hasOwn(this.#values, name) ? this.#values[name] : undefined;
  }

  push(): StringView {
    return this;
  }
}

/** Renders with a prototype-free view of strings; only the values the template uses are read. */
export function renderTemplate(template: CompiledTemplate, variables: Readonly<Record<string, string>>, escape: Escape = verbatim): string {
  const values: Record<string, string> = Object.create(null);
  for (const name of template.variables) {
    if (Object.hasOwn(variables, name)) values[name] = String(variables[name]);
  }
  const context = new StringView(values) as unknown as Mustache.Context;
  return writer.renderTokens(template.tokens as unknown as string[][], context, undefined, template.source, { escape });
}
