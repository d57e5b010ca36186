/**
 * A small logic-less template language for the email fixtures:
 *   {{name}}            the variable; required unless the mock fills it in
 *   {{name|fallback}}   the variable, or the fallback text when not supplied
 *   {{#name}}…{{/name}} the block, only when the variable is non-empty
 *   {{^name}}…{{/name}} the block, only when the variable is empty or missing
 */

const SECTION = /\{\{([#^])([a-zA-Z0-9_]+)\}\}([\s\S]*?)\{\{\/\2\}\}/g;
const VARIABLE = /\{\{([a-zA-Z0-9_]+)(?:\|([^}]*))?\}\}/g;

export type Escape = (value: string) => string;

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

/** A variable's own value: `{{constructor}}` must not find Object.prototype.constructor. */
function lookup(variables: Readonly<Record<string, string>>, name: string): string | undefined {
  return Object.hasOwn(variables, name) ? variables[name] : undefined;
}

export function renderTemplate(source: string, variables: Readonly<Record<string, string>>, escape: Escape = (v) => v): string {
  const sections = source.replace(SECTION, (_all, kind: string, name: string, body: string) => {
    const present = (lookup(variables, name) ?? "") !== "";
    return present === (kind === "#") ? renderTemplate(body, variables, escape) : "";
  });
  return sections.replace(VARIABLE, (_all, name: string, fallback: string | undefined) => {
    const value = lookup(variables, name);
    if (value !== undefined) return escape(value);
    return fallback ?? "";
  });
}

/** Variables used without a fallback: a send must supply them (unless `provided`). */
export function requiredVariables(source: string, provided: readonly string[]): string[] {
  const names = new Set<string>();
  for (const match of source.matchAll(VARIABLE)) {
    if (match[2] === undefined && !provided.includes(match[1]!)) names.add(match[1]!);
  }
  return [...names].sort();
}
