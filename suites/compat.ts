import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { buildReport, writeReport } from "./catalog/report.js";
import { runTarget, type TargetRun } from "./catalog/runner.js";
import { cliTarget, containerTarget, dovecotRealTarget, inProcessTarget, offlineRealTarget, realTarget, urlTarget, type TargetDefinition } from "./catalog/targets.js";

/**
 * `npm run compat`: the scenario catalog on every target that is configured,
 * over REST and the SDK, then reports/compat.json and reports/compat.md.
 * Exits 1 on any failure or shape difference.
 */

export function targetsFor(env: NodeJS.ProcessEnv, offlineReal: boolean): TargetDefinition[] {
  const offline = offlineReal ? [offlineRealTarget, dovecotRealTarget("OTP"), dovecotRealTarget("LINK"), dovecotRealTarget("LINK_OTP")] : [];
  return [inProcessTarget, cliTarget, urlTarget(env), containerTarget(env), realTarget(env), ...offline];
}

export async function runCompat(targets: TargetDefinition[], outDir: string) {
  const runs: TargetRun[] = [];
  for (const target of targets) runs.push(await runTarget(target));
  const report = buildReport(runs);
  return { report, files: writeReport(outDir, report) };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { out: { type: "string", default: "reports" }, "offline-real": { type: "boolean", default: false } },
  });
  const { report, files } = await runCompat(targetsFor(process.env, values["offline-real"]!), resolve(values.out!));
  for (const target of report.targets) {
    process.stdout.write(
      target.skipped !== undefined
        ? `${target.name}: skipped (${target.skipped})\n`
        : `${target.name}: ${target.pass} pass, ${target.fail} fail, ${target.na} n/a in ${(target.wallMs / 1000).toFixed(1)} s\n`,
    );
  }
  process.stdout.write(`${report.summary.diffs} shape difference(s); wrote ${files.markdown} and ${files.json}\n`);
  process.exit(report.summary.ok ? 0 : 1);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) await main();
