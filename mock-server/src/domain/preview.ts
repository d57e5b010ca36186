/**
 * How error messages quote what a client sent. A message names the value so
 * the caller sees what was wrong, but never the whole of it: a value may be
 * megabytes long, or nested thousands of levels deep (JSON.stringify of that
 * overflows the stack), or a number JSON.parse read as Infinity (which
 * JSON.stringify prints as `null`).
 */

/** Characters of a string a message quotes before cutting it short. */
export const PREVIEW_CHARS = 40;

/** `text` as a JSON string literal of at most `max` characters (code points), then `…` and its length. */
export function quote(text: string, max: number = PREVIEW_CHARS): string {
  if (text.length <= max) return JSON.stringify(text);
  // 2 × max code units hold at least max code points; a huge string is never split whole.
  const head = Array.from(text.slice(0, max * 2));
  if (head.length <= max && text.length <= max * 2) return JSON.stringify(text);
  let length = 0;
  for (const _ of text) length++;
  return `${JSON.stringify(head.slice(0, max).join(""))}… (${length} characters)`;
}

/** A number as a message shows it; Infinity and NaN said in words. */
export function describeNumber(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (!Number.isFinite(value)) return `a number too ${value > 0 ? "large" : "small"} to represent (it reads as ${value > 0 ? "" : "-"}Infinity)`;
  return String(value);
}

/**
 * A short description of any JSON value: scalars shown (strings cut short),
 * arrays and objects only by kind and size. It never looks inside them.
 */
export function describeValue(value: unknown): string {
  switch (typeof value) {
    case "string":
      return quote(value);
    case "number":
      return describeNumber(value);
    case "boolean":
      return String(value);
    case "undefined":
      return "nothing";
    case "object":
      if (value === null) return "null";
      if (Array.isArray(value)) return `an array (${value.length} ${value.length === 1 ? "item" : "items"})`;
      return "an object";
    default:
      return `a ${typeof value}`;
  }
}

/** `text` cut to `max` characters (code points) with `…`, for messages built from several parts. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${Array.from(text.slice(0, max * 2)).slice(0, max - 1).join("")}…`;
}
