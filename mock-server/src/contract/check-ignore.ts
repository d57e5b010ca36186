import type { SdkCheckResult } from "./check.js";

/**
 * `check --ignore PATTERN`: differences a team has judged harmless (SDK
 * 2.1.x's older ResourceInfo, say) stop failing the check, but stay listed,
 * and a pattern that no longer matches anything is reported so it can go.
 */

/** One SDK version in the report: its differences, minus the ignored ones, which are listed apart. */
export interface SdkReport {
  version: string;
  source: SdkCheckResult["source"];
  /** The differences no --ignore pattern matched: any of them fails the check. */
  differences: string[];
  /** The differences an --ignore pattern matched (a plain, case-sensitive substring of the line). */
  ignored: string[];
  /** True when `differences` is empty. */
  ok: boolean;
}

/** Splits each result's differences into real and ignored ones, and names the patterns that matched none in any version. */
export function applyIgnores(results: SdkCheckResult[], patterns: readonly string[]): { sdks: SdkReport[]; unmatched: string[] } {
  const used = new Set<string>();
  const sdks = results.map(({ version, source, differences: all }): SdkReport => {
    const differences: string[] = [];
    const ignored: string[] = [];
    for (const line of all) {
      const matching = patterns.filter((pattern) => line.includes(pattern));
      for (const pattern of matching) used.add(pattern);
      (matching.length > 0 ? ignored : differences).push(line);
    }
    return { version, source, differences, ignored, ok: differences.length === 0 };
  });
  return { sdks, unmatched: patterns.filter((pattern) => !used.has(pattern)) };
}
