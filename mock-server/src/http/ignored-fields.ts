/** Longest value of the ignored-fields header, and longest field name it spells out (characters). */
const IGNORED_HEADER_LIMITS = { value: 1024, name: 64 };
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * The `x-scalekit-mock-ignored-fields` value: the unknown field names
 * percent-encoded (UTF-8) and comma-separated, so any name (non-Latin-1, CR/LF,
 * NUL, a comma) makes a valid ASCII header; cut at a bounded length, with how
 * many more there were.
 */
export function ignoredFieldsHeader(names: readonly string[]): string {
  let value = "";
  let listed = 0;
  for (const name of names) {
    const chars = Array.from(name.slice(0, IGNORED_HEADER_LIMITS.name * 2 + 2));
    const shown = chars.length > IGNORED_HEADER_LIMITS.name ? `${chars.slice(0, IGNORED_HEADER_LIMITS.name).join("")}…` : chars.join("");
    const encoded = encodeURIComponent(shown.replace(LONE_SURROGATE, "\uFFFD"));
    const next = listed === 0 ? encoded : `${value},${encoded}`;
    if (next.length > IGNORED_HEADER_LIMITS.value - 20) break;
    value = next;
    listed++;
  }
  return listed < names.length ? `${value} (+${names.length - listed} more)`.trimStart() : value;
}
