import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, inject, it } from "vitest";
import { mockErrorMismatches, transportDiffs } from "./catalog/checks.js";
import { buildReport, writeReport } from "./catalog/report.js";
import type { TargetRun } from "./catalog/runner.js";
import { scenarios } from "./catalog/scenarios.js";
import { cliTarget, httpsTarget, inProcessTarget, offlineRealTarget } from "./catalog/targets.js";
import { catalogCases, catalogOn, mockNa } from "./catalog/vitest.js";

/**
 * The whole catalog on the in-process mock, the CLI, the run's TLS mock over
 * https://, and the offline stand-in for a real environment, over REST and
 * the SDK; then the compatibility
 * report over those runs, the parity of the two transports, and the mock's
 * own error codes.
 */

const runs: TargetRun[] = [];
const cases = catalogCases();

catalogOn(inProcessTarget, mockNa, runs);
catalogOn(cliTarget, mockNa, runs);
catalogOn(httpsTarget(inject("tlsMock")), mockNa, runs);
// A real environment offers no control and sends one passwordless type (OTP here).
const byId = new Map(scenarios.map((s) => [s.id, s]));
catalogOn(
  offlineRealTarget,
  (r) => {
    const scenario = byId.get(r.scenario)!;
    return scenario.needs.length > 0 || scenario.type !== "OTP" || (scenario.transports !== undefined && !scenario.transports.includes(r.transport));
  },
  runs,
);

describe("compatibility report", () => {
  it("covers every scenario, target and transport, with no failure or shape difference", () => {
    expect(runs.map((r) => r.target)).toEqual(["in-process", "cli", "https", "real (offline stand-in)"]);
    const report = buildReport(runs);
    expect(report.results).toHaveLength(4 * cases.length);
    expect(report.summary).toMatchObject({ fail: 0, diffs: 0, ok: true });
    const dir = mkdtempSync(join(tmpdir(), "compat-"));
    const files = writeReport(dir, report);
    expect(existsSync(files.json)).toBe(true);
    expect(JSON.parse(readFileSync(files.json, "utf8")).summary.ok).toBe(true);
    const markdown = readFileSync(files.markdown, "utf8");
    expect(markdown).toContain("| OTP sign-in | pass | pass | pass | pass | pass | pass | pass | pass |");
    expect(markdown).toContain("**OK**");
  });
});

describe("REST and the SDK", () => {
  it("reach the same outcome in every scenario on every target, down to the error code and message", () => {
    expect(runs).toHaveLength(4);
    expect(runs.flatMap(transportDiffs)).toEqual([]);
  });
});

describe("the mock's errors", () => {
  it("carry the error code and message each scenario documents, over both transports", () => {
    const mocks = runs.filter((r) => r.target !== "real (offline stand-in)");
    expect(mocks).toHaveLength(3);
    expect(mocks.flatMap((run) => mockErrorMismatches(run, scenarios))).toEqual([]);
  });
});
