/**
 * Reading the code and the magic link out of an email's bodies, as a person
 * would: the one way every mailbox reader finds them (a real mailbox over
 * IMAP, a Mailpit-compatible API), checked against what the mock's own inbox
 * reports for the same emails.
 */

export interface EmailBodies {
  /** The plain-text body, when the email has one. */
  text?: string | undefined;
  /** The HTML body, when the email has one. */
  html?: string | undefined;
}

export interface ExtractedCredentials {
  code?: string;
  link?: string;
  /** The magic link's `link_token` query parameter. */
  linkToken?: string;
}

export interface ExtractOptions {
  /**
   * Where the code is, for a template of your own that the built-in rules
   * misread: the first capture group (or the whole match) is the code.
   */
  codePattern?: RegExp;
}

/** An http(s) URL carrying `link_token` in its query. */
const LINK = /https?:\/\/[^\s<>"']*[?&]link_token=[^\s<>"'&#]+[^\s<>"']*/;
/** Dates and times an email prints (`2026-11-28`, `10:05`, `10:05:30`): never a code, whatever their digits. */
const DATE_OR_TIME = /\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}:\d{2}(?::\d{2})?\b/g;
/**
 * A code: 4–10 digits, or 4–10 upper-case letters and digits with at least one
 * of each (so no word is taken for one), standing alone.
 */
const CODE = /(?<![\w.,-])(?:\d{4,10}|(?=[0-9A-Z]*[A-Z])(?=[0-9A-Z]*\d)[0-9A-Z]{4,10})(?![\w-]|[.,]\d)/g;
/** A year a footer or a date may print: a code only when nothing else could be. */
const YEAR = /^(?:19|20)\d\d$/;
/** Scalekit's documented code length: a candidate of this length wins. */
const DOCUMENTED_LENGTH = 6;

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: " " };

/** Decodes the character references an HTML body may use in text and attribute values. */
export function decodeHtmlEntities(value: string): string {
  return value.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
    if (name[0] === "#") {
      const point = name[1] === "x" || name[1] === "X" ? Number.parseInt(name.slice(2), 16) : Number.parseInt(name.slice(1), 10);
      return point > 0 && point <= 0x10ffff ? String.fromCodePoint(point) : whole;
    }
    return ENTITIES[name.toLowerCase()] ?? whole;
  });
}

/** The visible text of an HTML body: no head, style or script; tags become spaces. */
function htmlText(html: string): string {
  const visible = html.replace(/<(head|style|script)\b[\s\S]*?<\/\1\s*>/gi, " ").replace(/<!--[\s\S]*?-->/g, " ");
  return decodeHtmlEntities(visible.replace(/<[^>]*>/g, " "));
}

/** Every `href` of an HTML body, decoded. */
function hrefs(html: string): string[] {
  return [...html.matchAll(/\bhref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))/gi)].map((m) => decodeHtmlEntities(m[1] ?? m[2] ?? m[3] ?? "").trim());
}

/** A link found in running text, without the punctuation or bracket that closes the sentence around it. */
function trimmed(link: string): string {
  let out = link;
  for (;;) {
    const last = out.at(-1)!;
    const open = { "]": "[", ")": "(" }[last];
    if (/[.,;:!?'"]/.test(last) || (open !== undefined && out.split(open).length <= out.split(last).length - 1)) out = out.slice(0, -1);
    else return out;
  }
}

/** The magic link: an HTML body's `href` first (it is the link as sent), then running text. */
function findLink(bodies: EmailBodies): string | undefined {
  for (const href of bodies.html === undefined ? [] : hrefs(bodies.html)) {
    const found = LINK.exec(href)?.[0];
    if (found !== undefined) return found;
  }
  for (const text of [bodies.text, bodies.html === undefined ? undefined : htmlText(bodies.html)]) {
    const found = text === undefined ? undefined : LINK.exec(text)?.[0];
    if (found !== undefined) return trimmed(found);
  }
  return undefined;
}

function findCode(text: string, options: ExtractOptions): string | undefined {
  if (options.codePattern !== undefined) {
    const match = options.codePattern.exec(text);
    return match === null ? undefined : (match[1] ?? match[0]);
  }
  const candidates = [...text.replace(DATE_OR_TIME, " ").matchAll(CODE)].map((m) => m[0]);
  return candidates.find((c) => c.length === DOCUMENTED_LENGTH) ?? candidates.find((c) => !YEAR.test(c)) ?? candidates[0];
}

/** The link token of a magic link, or undefined when the URL carries none. */
function linkTokenOf(link: string): string | undefined {
  try {
    return new URL(link).searchParams.get("link_token") ?? undefined;
  } catch {
    return undefined;
  }
}

/**
 * The code and the magic link of an email: the text body is read first, then
 * the HTML body (its links' `href`s, then its visible text). Digits inside the
 * link, dates and times are never taken for the code. A bare string is read as
 * a text body.
 */
export function extractCredentials(bodies: EmailBodies | string, options: ExtractOptions = {}): ExtractedCredentials {
  const parts: EmailBodies = typeof bodies === "string" ? { text: bodies } : bodies;
  const link = findLink(parts);
  const texts = [parts.text, parts.html === undefined ? undefined : htmlText(parts.html)].filter((t): t is string => t !== undefined);
  let code: string | undefined;
  for (const text of texts) {
    // The link's own digits (its token, its path) are not a code.
    const withoutLinks = text.replace(new RegExp(LINK.source, "g"), " ");
    code = findCode(withoutLinks, options);
    if (code !== undefined) break;
  }
  const linkToken = link === undefined ? undefined : linkTokenOf(link);
  return { ...(code !== undefined && { code }), ...(link !== undefined && { link }), ...(linkToken !== undefined && { linkToken }) };
}
