import type { SdkReport } from "./check-ignore.js";
import { SDK_PACKAGE } from "./sdk.js";

/** What `scalekit-mock check --json` writes: one object, stable keys, for CI. */
export interface CheckReport {
  mock: { name: "scalekit-mock"; version: string; verifiedWith: string[] };
  /** The proto files compared, as paths inside the proto tree. */
  contractFiles: string[];
  /** One entry per SDK version checked, in the order checked. */
  sdks: SdkReport[];
  /** True when every SDK checked has no difference but ignored ones (and nothing failed). */
  ok: boolean;
  /** Why the check could not run (exit code 2): no SDK in the project, registry unreachable, unknown version. */
  error?: string;
}

/** The exit code a report stands for: 2 if it could not run, 1 on any difference not ignored, else 0. */
export function exitCode(report: CheckReport): 0 | 1 | 2 {
  if (report.error !== undefined) return 2;
  return report.ok ? 0 : 1;
}

/** The report for people: each version's differences, in the words of `npm run contracts:check`. */
export function reportText(report: CheckReport): string {
  if (report.sdks.length === 0) return "";
  const lines = [`scalekit-mock ${report.mock.version}: its contract (${report.contractFiles.join(", ")}) against ${SDK_PACKAGE}`];
  for (const sdk of report.sdks) {
    const where = `${SDK_PACKAGE} ${sdk.version} (${sdk.source})`;
    if (sdk.ok && sdk.ignored.length === 0) {
      lines.push(`${where}: no difference`);
      continue;
    }
    const count = sdk.ok ? `no difference but ${sdk.ignored.length} ignored` : `${sdk.differences.length} difference(s)`;
    lines.push(`${where}: ${count} ("ours" is the mock, "SDK" is ${SDK_PACKAGE} ${sdk.version}):`);
    for (const difference of sdk.differences) lines.push(`  - ${difference}`);
    // After the real differences, so a failing run shows first what fails it.
    if (sdk.ignored.length > 0) lines.push(`  ignored (${sdk.ignored.length}):`);
    for (const difference of sdk.ignored) lines.push(`    - ${difference}`);
  }
  if (report.sdks.length > 1) {
    const failing = report.sdks.filter((s) => !s.ok).length;
    const ignoring = report.sdks.some((s) => s.ignored.length > 0) ? " (apart from ignored differences)" : "";
    lines.push(`summary: ${report.sdks.length} versions checked, ${failing === 0 ? `all match the mock${ignoring}` : `${failing} with differences`}`);
    const width = Math.max(...report.sdks.map((s) => s.version.length));
    for (const sdk of report.sdks) {
      const ignored = sdk.ignored.length > 0 ? `, ${sdk.ignored.length} ignored` : "";
      lines.push(`  ${sdk.version.padEnd(width)}  ${sdk.ok ? "ok" : `${sdk.differences.length} difference(s)`}${ignored}`);
    }
  }
  return `${lines.join("\n")}\n`;
}
