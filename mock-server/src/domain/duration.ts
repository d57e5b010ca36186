const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/gy;

/**
 * Parses a duration such as `300`, `"5m"`, `"1h30m"`, `"250ms"` or `"-2m"` into
 * milliseconds. A bare number (or numeric string) is read in `bareUnit`.
 * Returns undefined when the text is not a duration.
 */
export function parseDuration(input: string | number, bareUnit: "ms" | "s" = "ms"): number | undefined {
  if (typeof input === "number") {
    return Number.isFinite(input) ? Math.round(input * UNIT_MS[bareUnit]!) : undefined;
  }
  let text = input.trim();
  if (text === "") return undefined;
  let sign = 1;
  if (text.startsWith("-")) {
    sign = -1;
    text = text.slice(1);
  }
  if (/^\d+(\.\d+)?$/.test(text)) return sign * Math.round(Number(text) * UNIT_MS[bareUnit]!);
  PART.lastIndex = 0;
  let total = 0;
  let consumed = 0;
  for (let match = PART.exec(text); match; match = PART.exec(text)) {
    total += Number(match[1]) * UNIT_MS[match[2]!]!;
    consumed = PART.lastIndex;
  }
  if (consumed !== text.length || consumed === 0) return undefined;
  return sign * Math.round(total);
}

/** "5 minutes", "1 hour", "90 seconds": how emails word an expiry. */
export function describeSeconds(seconds: number): string {
  const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? "" : "s"}`;
  if (seconds % 86_400 === 0) return plural(seconds / 86_400, "day");
  if (seconds % 3_600 === 0) return plural(seconds / 3_600, "hour");
  if (seconds % 60 === 0) return plural(seconds / 60, "minute");
  return plural(seconds, "second");
}
