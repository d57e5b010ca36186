import type { TargetRun } from "./runner.js";
import type { Scenario } from "./types.js";

/**
 * Checks over a target's run beyond pass/fail: that REST and the SDK reach
 * the same outcome, and that a mock answers with the error codes and
 * messages its scenarios document.
 */

/**
 * Where a scenario's steps over REST and over the SDK differ: step names,
 * outcome shapes (types, enum values, gRPC and error codes) or error
 * messages. Only scenarios that passed on both transports are compared.
 */
export function transportDiffs(run: TargetRun): string[] {
  const diffs: string[] = [];
  const passed = (transport: string) => new Map(run.results.filter((r) => r.transport === transport && r.status === "pass").map((r) => [r.scenario, r]));
  const sdk = passed("sdk");
  for (const [scenario, rest] of passed("rest")) {
    const other = sdk.get(scenario);
    if (other === undefined) continue;
    const where = `${run.target} ${scenario}`;
    const names = (steps: typeof rest.steps) => steps.map((s) => s.step).join(", ");
    if (names(rest.steps) !== names(other.steps)) {
      diffs.push(`${where}: steps over REST [${names(rest.steps)}], over the SDK [${names(other.steps)}]`);
      continue;
    }
    rest.steps.forEach((step, i) => {
      const theirs = other.steps[i]!;
      const a = JSON.stringify({ ...step.shape, message: step.message });
      const b = JSON.stringify({ ...theirs.shape, message: theirs.message });
      if (a !== b) diffs.push(`${where} ${step.step}: REST ${a}, SDK ${b}`);
    });
  }
  return diffs;
}

/** Where a mock's run does not answer a scenario's failing step with the error code (and message) the scenario documents. */
export function mockErrorMismatches(run: TargetRun, scenarios: readonly Scenario[]): string[] {
  const mismatches: string[] = [];
  const byId = new Map(scenarios.map((s) => [s.id, s]));
  for (const result of run.results) {
    const expected = byId.get(result.scenario)?.mockErrors;
    if (result.status !== "pass" || expected === undefined) continue;
    for (const [name, want] of Object.entries(expected)) {
      const where = `${run.target} ${result.scenario} over ${result.transport} ${name}`;
      const step = result.steps.find((s) => s.step === name);
      if (step === undefined) mismatches.push(`${where}: no such step (steps: ${result.steps.map((s) => s.step).join(", ")})`);
      else if (step.shape.error_code !== want.errorCode) mismatches.push(`${where}: error code ${step.shape.error_code}, expected ${want.errorCode}`);
      else if (want.message !== undefined && !want.message.test(step.message ?? "")) mismatches.push(`${where}: message ${JSON.stringify(step.message)} does not match ${want.message}`);
    }
  }
  return mismatches;
}
