import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runScenario, type RunResult, type TargetRun } from "./runner.js";
import { scenarios } from "./scenarios.js";
import type { TargetDefinition, TargetSession } from "./targets.js";

/** Every scenario over both transports. */
export function catalogCases() {
  return scenarios.flatMap((scenario) => (["rest", "sdk"] as const).map((transport) => ({ scenario, transport })));
}

const byId = new Map(scenarios.map((s) => [s.id, s]));

/** On a mock, a scenario is n/a only on a transport it does not run on. */
export const mockNa = (r: RunResult) => {
  const transports = byId.get(r.scenario)?.transports;
  return transports !== undefined && !transports.includes(r.transport);
};

/**
 * The whole catalog on one target as vitest tests: each scenario and
 * transport passes, or is n/a where `expectedNa` says so. The run is added
 * to `runs` for a report.
 */
export function catalogOn(definition: TargetDefinition, expectedNa: (result: RunResult) => boolean, runs: TargetRun[] = [], startTimeoutMs = 30_000): void {
  describe(`catalog on ${definition.name}`, () => {
    let session: TargetSession;
    const run: TargetRun = { target: definition.name, wallMs: 0, results: [] };
    let started = 0;

    beforeAll(async () => {
      started = performance.now();
      const result = await definition.start();
      if ("skip" in result) throw new Error(`${definition.name} should start here: ${result.skip}`);
      session = result;
      if (session.details !== undefined) run.details = session.details;
      if (session.banner !== undefined) console.log(session.banner);
    }, startTimeoutMs);
    afterAll(async () => {
      await session?.stop();
      run.wallMs = performance.now() - started;
      runs.push(run);
      console.log(`catalog on ${definition.name}: ${(run.wallMs / 1000).toFixed(1)} s`);
    });

    it.each(catalogCases())("$scenario.id over $transport", async ({ scenario, transport }) => {
      const result = await runScenario(session, definition.name, scenario, transport);
      run.results.push(result);
      if (result.status === "fail") throw new Error(result.reason);
      expect(result.status, result.reason).toBe(expectedNa(result) ? "n/a" : "pass");
    }, 40_000);
  });
}

