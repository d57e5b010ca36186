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
/** Every such link, to blank them out (replaceAll resets its lastIndex). */
const LINKS = new RegExp(LINK.source, "g");
/** Dates and times an email prints (`2026-11-28`, `10:05`, `10:05:30`): never a code, whatever their digits. */
const DATE_OR_TIME = /\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}:\d{2}(?::\d{2})?\b/g;
/**
 * A token that may be a code: 4–10 digits or upper-case letters, standing
 * alone (not part of a word, a number with a decimal point, an id like #1234).
 */
const TOKEN = /(?<![\w.,#-])[0-9A-Z]{4,10}(?![\w-]|[.,]\w)/g;
/** A year a footer or a date prints: never taken for a code by position alone. */
const YEAR = /^(?:19|20)\d\d$/;
/** Words that announce a code on their line. */
const CODE_WORD = /\b(?:code|otp|passcode)\b/i;

type Kind = "digits" | "mixed" | "letters";

function kindOf(token: string): Kind {
  return /^\d+$/.test(token) ? "digits" : /\d/.test(token) ? "mixed" : "letters";
}

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

/** The visible text of an HTML body: no head, style or script; every tag ends a line, so an element's own text is a line of its own. */
function htmlText(html: string): string {
  const visible = html.replace(/<(head|style|script)\b[\s\S]*?<\/\1\s*>/gi, " ").replace(/<!--[\s\S]*?-->/g, " ");
  return decodeHtmlEntities(visible.replace(/<[^>]*>/g, "\n"));
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

/** The lines of the bodies (an HTML body's elements each a line), links, dates and times blanked out. */
function linesOf(bodies: EmailBodies): string[] {
  const texts = [bodies.html === undefined ? undefined : htmlText(bodies.html), bodies.text].filter((t): t is string => t !== undefined);
  // The link's own digits (its token, its path), dates and times are never a code.
  const blank = (text: string) => text.replaceAll(LINKS, " ").replace(DATE_OR_TIME, " ");
  return texts.flatMap((text) => blank(text).split(/\r?\n/)).map((line) => line.trim()).filter((line) => line !== "");
}

/** A pattern of one's own, over the text body, then the HTML body's visible text (tags as spaces), links blanked out. */
function byPattern(bodies: EmailBodies, pattern: RegExp): string | undefined {
  // A copy without g or y: a shared pattern must not carry lastIndex from one email to the next.
  const own = new RegExp(pattern.source, pattern.flags.replace(/[gy]/g, ""));
  const texts = [bodies.text, bodies.html === undefined ? undefined : htmlText(bodies.html).replace(/\s*\n\s*/g, " ")];
  for (const text of texts) {
    const match = text === undefined ? null : own.exec(text.replaceAll(LINKS, " "));
    if (match !== null) return match[1] ?? match[0];
  }
  return undefined;
}

/**
 * The code, by where it sits, strongest first: alone on its line or in its
 * own element; after "code" on its line; else the first number or
 * letters-and-digits token of the email. Letters-only codes (which an
 * alphanumeric environment also sends) count only in the first two places,
 * and a year only when it sits alone.
 */
function findCode(lines: string[]): string | undefined {
  const alone = lines.flatMap((line, i) => (/^[0-9A-Z]{4,10}$/.test(line) ? [{ token: line, announced: i > 0 && CODE_WORD.test(lines[i - 1]!) }] : []));
  // A word alone (a heading) looks like a letters-only code: one announced by the line before it wins.
  const fromAlone =
    alone.find((a) => kindOf(a.token) !== "letters" && !YEAR.test(a.token)) ??
    alone.find((a) => kindOf(a.token) === "letters" && a.announced) ??
    alone.find((a) => kindOf(a.token) === "letters") ??
    alone.find((a) => YEAR.test(a.token));
  if (fromAlone !== undefined) return fromAlone.token;
  for (const line of lines) {
    const word = CODE_WORD.exec(line);
    if (word === null) continue;
    const after = [...line.slice(word.index + word[0].length).matchAll(TOKEN)].map((m) => m[0]);
    const found = after.find((t) => kindOf(t) !== "letters" && !YEAR.test(t)) ?? (after.length > 0 && kindOf(after.at(-1)!) === "letters" ? after.at(-1) : undefined);
    if (found !== undefined) return found;
  }
  for (const line of lines) {
    const found = [...line.matchAll(TOKEN)].map((m) => m[0]).find((t) => kindOf(t) !== "letters" && !YEAR.test(t));
    if (found !== undefined) return found;
  }
  return undefined;
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
 * The code and the magic link of an email. The link: an HTML body's `href`s
 * first, then running text. The code: see `findCode`; digits inside the link,
 * dates and times are never taken for it. A bare string is read as a text body.
 */
export function extractCredentials(bodies: EmailBodies | string, options: ExtractOptions = {}): ExtractedCredentials {
  const parts: EmailBodies = typeof bodies === "string" ? { text: bodies } : bodies;
  const link = findLink(parts);
  const code = options.codePattern !== undefined ? byPattern(parts, options.codePattern) : findCode(linesOf(parts));
  const linkToken = link === undefined ? undefined : linkTokenOf(link);
  return { ...(code !== undefined && { code }), ...(link !== undefined && { link }), ...(linkToken !== undefined && { linkToken }) };
}
