import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildReport, writeReport } from "./catalog/report.js";
import { runScenario, type RunResult, type TargetRun } from "./catalog/runner.js";
import { scenarios } from "./catalog/scenarios.js";
import { cliTarget, inProcessTarget, offlineRealTarget, type TargetDefinition, type TargetSession } from "./catalog/targets.js";

/**
 * The whole catalog on the in-process mock, the CLI, and the offline stand-in
 * for a real environment, over REST and the SDK; then the compatibility
 * report over those runs.
 */

const runs: TargetRun[] = [];
const cases = scenarios.flatMap((scenario) => (["rest", "sdk"] as const).map((transport) => ({ scenario, transport })));

function catalogOn(definition: TargetDefinition, expectedNa: (result: RunResult) => boolean) {
  describe(`catalog on ${definition.name}`, () => {
    let session: TargetSession;
    const run: TargetRun = { target: definition.name, wallMs: 0, results: [] };
    let started = 0;

    beforeAll(async () => {
      started = performance.now();
      const result = await definition.start();
      if ("skip" in result) throw new Error(`${definition.name} should start here: ${result.skip}`);
      session = result;
    }, 30_000);
    afterAll(async () => {
      await session?.stop();
      run.wallMs = performance.now() - started;
      runs.push(run);
      console.log(`catalog on ${definition.name}: ${(run.wallMs / 1000).toFixed(1)} s`);
    });

    it.each(cases)("$scenario.id over $transport", async ({ scenario, transport }) => {
      const result = await runScenario(session, definition.name, scenario, transport);
      run.results.push(result);
      if (result.status === "fail") throw new Error(result.reason);
      expect(result.status, result.reason).toBe(expectedNa(result) ? "n/a" : "pass");
    }, 40_000);
  });
}

// On a mock, only the SDK-only scenario is n/a over REST.
const mockNa = (r: RunResult) => r.scenario === "fault-retry" && r.transport === "rest";
catalogOn(inProcessTarget, mockNa);
catalogOn(cliTarget, mockNa);
// A real environment offers no control and sends one passwordless type (OTP here).
const byId = new Map(scenarios.map((s) => [s.id, s]));
catalogOn(offlineRealTarget, (r) => {
  const scenario = byId.get(r.scenario)!;
  return scenario.needs.length > 0 || scenario.type !== "OTP" || (scenario.transports !== undefined && !scenario.transports.includes(r.transport));
});

describe("compatibility report", () => {
  it("covers every scenario, target and transport, with no failure or shape difference", () => {
    expect(runs.map((r) => r.target)).toEqual(["in-process", "cli", "real (offline stand-in)"]);
    const report = buildReport(runs);
    expect(report.results).toHaveLength(3 * cases.length);
    expect(report.summary).toMatchObject({ fail: 0, diffs: 0, ok: true });
    const dir = mkdtempSync(join(tmpdir(), "compat-"));
    const files = writeReport(dir, report);
    expect(existsSync(files.json)).toBe(true);
    expect(JSON.parse(readFileSync(files.json, "utf8")).summary.ok).toBe(true);
    const markdown = readFileSync(files.markdown, "utf8");
    expect(markdown).toContain("| OTP sign-in | pass | pass | pass | pass | pass | pass |");
    expect(markdown).toContain("**OK**");
  });
});
