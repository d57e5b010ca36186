import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { RunResult, TargetRun } from "./runner.js";
import type { TargetDetails } from "./targets.js";

export interface ShapeDiff {
  scenario: string;
  transport: string;
  target: string;
  step: string;
  field: string;
  /** In the reference target (the first mock that ran). */
  reference: string;
  actual: string;
}

export interface CompatReport {
  generatedAt: string;
  reference: string | undefined;
  targets: Array<{ name: string; skipped?: string; details?: TargetDetails; wallMs: number; pass: number; fail: number; na: number; capped: number }>;
  results: Array<Omit<RunResult, "steps">>;
  diffs: ShapeDiff[];
  /** `capped`: scenario runs a real run's cap on sends left unfinished; the report is then not OK (the run is incomplete). */
  summary: { pass: number; fail: number; na: number; diffs: number; capped: number; ok: boolean };
}

const MISSING = "(absent)";

/** Field-by-field differences of every step's outcome shape against the reference run. */
export function diffShapes(reference: RunResult, other: RunResult): ShapeDiff[] {
  const diffs: ShapeDiff[] = [];
  const base = { scenario: other.scenario, transport: other.transport, target: other.target };
  const theirs = new Map(other.steps.map((s) => [s.step, s.shape]));
  for (const step of reference.steps) {
    const shape = theirs.get(step.step);
    if (shape === undefined) {
      diffs.push({ ...base, step: step.step, field: "(step)", reference: "called", actual: MISSING });
      continue;
    }
    for (const field of new Set([...Object.keys(step.shape), ...Object.keys(shape)])) {
      const a = step.shape[field] ?? MISSING;
      const b = shape[field] ?? MISSING;
      if (a !== b) diffs.push({ ...base, step: step.step, field, reference: a, actual: b });
    }
  }
  for (const step of other.steps) {
    if (!reference.steps.some((s) => s.step === step.step)) diffs.push({ ...base, step: step.step, field: "(step)", reference: MISSING, actual: "called" });
  }
  return diffs;
}

export function buildReport(runs: TargetRun[], generatedAt: Date = new Date()): CompatReport {
  const referenceRun = runs.find((r) => r.skipped === undefined);
  const diffs: ShapeDiff[] = [];
  if (referenceRun !== undefined) {
    const byKey = new Map(referenceRun.results.map((r) => [`${r.scenario}/${r.transport}`, r]));
    for (const run of runs) {
      if (run === referenceRun) continue;
      for (const result of run.results) {
        const reference = byKey.get(`${result.scenario}/${result.transport}`);
        if (reference === undefined || reference.status === "n/a" || result.status === "n/a") continue;
        diffs.push(...diffShapes(reference, result));
      }
    }
  }
  const results = runs.flatMap((run) => run.results.map(({ steps: _steps, ...rest }) => rest));
  const count = (list: Array<{ status: string }>, status: string) => list.filter((r) => r.status === status).length;
  const capped = (list: Array<{ capped?: true }>) => list.filter((r) => r.capped === true).length;
  const summary = { pass: count(results, "pass"), fail: count(results, "fail"), na: count(results, "n/a"), diffs: diffs.length, capped: capped(results) };
  return {
    generatedAt: generatedAt.toISOString(),
    reference: referenceRun?.target,
    targets: runs.map((run) => ({
      name: run.target,
      ...(run.skipped !== undefined && { skipped: run.skipped }),
      ...(run.details !== undefined && { details: run.details }),
      wallMs: Math.round(run.wallMs),
      pass: count(run.results, "pass"),
      fail: count(run.results, "fail"),
      na: count(run.results, "n/a"),
      capped: capped(run.results),
    })),
    results,
    diffs,
    summary: { ...summary, ok: summary.fail === 0 && summary.diffs === 0 && summary.capped === 0 },
  };
}

const MARK: Record<string, string> = { pass: "pass", fail: "**FAIL**", "n/a": "n/a" };

export function renderMarkdown(report: CompatReport): string {
  const ran = report.targets.filter((t) => t.skipped === undefined);
  const columns = ran.flatMap((t) => ["rest", "sdk"].map((transport) => ({ target: t.name, transport })));
  const scenarios = [...new Map(report.results.map((r) => [r.scenario, r.title])).entries()];
  const cell = (scenario: string, target: string, transport: string) => {
    const result = report.results.find((r) => r.scenario === scenario && r.target === target && r.transport === transport);
    return result === undefined ? "" : MARK[result.status]!;
  };
  const lines = [
    "# Compatibility report",
    "",
    `Generated ${report.generatedAt}. Reference for response shapes: ${report.reference ?? "(none)"}.`,
    "",
    `**${report.summary.ok ? "OK" : "NOT OK"}**: ${report.summary.pass} passed, ${report.summary.fail} failed, ${report.summary.na} n/a, ${report.summary.diffs} shape differences${
      report.summary.capped > 0 ? `; ${report.summary.capped} not run to the end because the run reached its cap on sends (raise SCALEKIT_REAL_MAX_SENDS)` : ""
    }.`,
    "",
    "## Targets",
    "",
    "| target | result | wall time | inbox | run id |",
    "|---|---|---|---|---|",
    ...report.targets.map((t) => {
      const inbox = t.details === undefined ? "mock" : `${t.details.inbox} (${t.details.where})`;
      return t.skipped !== undefined
        ? `| ${t.name} | skipped: ${t.skipped} | | | |`
        : `| ${t.name} | ${t.pass} pass, ${t.fail} fail, ${t.na} n/a${t.capped > 0 ? ` (${t.capped} stopped by the send cap)` : ""} | ${(t.wallMs / 1000).toFixed(1)} s | ${inbox} | ${t.details?.runId ?? ""} |`;
    }),
    "",
    "## Scenarios",
    "",
    `| scenario | ${columns.map((c) => `${c.target} ${c.transport}`).join(" | ")} |`,
    `|---|${columns.map(() => "---").join("|")}|`,
    ...scenarios.map(([id, title]) => `| ${title} | ${columns.map((c) => cell(id, c.target, c.transport)).join(" | ")} |`),
  ];
  for (const target of ran.filter((t) => t.details !== undefined)) {
    const timed = report.results.filter((r) => r.target === target.name && r.status !== "n/a");
    if (timed.length === 0) continue;
    lines.push("", `## Time per scenario on ${target.name}`, "", "| scenario | transport | result | time |", "|---|---|---|---|");
    for (const r of timed) lines.push(`| ${r.scenario} | ${r.transport} | ${MARK[r.status]} | ${(r.durationMs / 1000).toFixed(2)} s |`);
  }
  const stopped = report.results.filter((r) => r.capped === true);
  if (stopped.length > 0) lines.push("", "## Stopped by the send cap", "", ...stopped.map((r) => `- ${r.target} ${r.transport} ${r.scenario}: ${r.reason}`));
  const failures = report.results.filter((r) => r.status === "fail");
  if (failures.length > 0) {
    lines.push("", "## Failures", "", ...failures.map((f) => `- ${f.target} ${f.transport} ${f.scenario}: ${f.reason}`));
  }
  lines.push("", "## Shape differences", "");
  if (report.diffs.length === 0) lines.push("None: every target answered with the same fields, types, enum values and error codes as the reference.");
  else {
    lines.push("| target | transport | scenario | step | field | reference | actual |", "|---|---|---|---|---|---|---|");
    for (const d of report.diffs) lines.push(`| ${d.target} | ${d.transport} | ${d.scenario} | ${d.step} | ${d.field} | ${d.reference} | ${d.actual} |`);
  }
  return `${lines.join("\n")}\n`;
}

/** Writes `compat.json` and `compat.md`; returns their paths. */
export function writeReport(dir: string, report: CompatReport): { json: string; markdown: string } {
  mkdirSync(dir, { recursive: true });
  const json = join(dir, "compat.json");
  const markdown = join(dir, "compat.md");
  writeFileSync(json, `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(markdown, renderMarkdown(report));
  return { json, markdown };
}
