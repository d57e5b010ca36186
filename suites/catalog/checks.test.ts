import { describe, expect, it } from "vitest";
import { mockErrorMismatches, transportDiffs } from "./checks.js";
import type { RunResult, TargetRun } from "./runner.js";
import { shapeOf } from "./runner.js";
import type { Scenario } from "./types.js";

const failure = (errorCode: string, message: string) => ({ ok: false as const, error: { grpcCode: 3, errorCode, message } });

const result = (transport: "rest" | "sdk", steps: RunResult["steps"], status: RunResult["status"] = "pass"): RunResult => ({
  scenario: "wrong-then-right",
  title: "Wrong code, then the right one",
  target: "mock",
  transport,
  status,
  durationMs: 1,
  steps,
});

const wrong = (message: string) => ({ step: "verify#1", shape: shapeOf(failure("OTP_INVALID", message)), message });
const run = (...results: RunResult[]): TargetRun => ({ target: "mock", wallMs: 1, results });

describe("transport parity", () => {
  it("passes when both transports took the same steps with the same shapes and messages", () => {
    expect(transportDiffs(run(result("rest", [wrong("4 attempts left")]), result("sdk", [wrong("4 attempts left")])))).toEqual([]);
  });

  it("names the step whose message differs between REST and the SDK", () => {
    const diffs = transportDiffs(run(result("rest", [wrong("4 attempts left")]), result("sdk", [wrong("3 attempts left")])));
    expect(diffs).toHaveLength(1);
    expect(diffs[0]).toContain("mock wrong-then-right verify#1");
  });

  it("names a scenario whose steps differ between REST and the SDK", () => {
    const diffs = transportDiffs(run(result("rest", [wrong("x")]), result("sdk", [])));
    expect(diffs).toEqual(["mock wrong-then-right: steps over REST [verify#1], over the SDK []"]);
  });

  it("compares only scenarios that passed on both", () => {
    expect(transportDiffs(run(result("rest", [wrong("x")]), result("sdk", [], "fail")))).toEqual([]);
  });
});

describe("the mock's documented errors", () => {
  const scenario = { id: "wrong-then-right", mockErrors: { "verify#1": { errorCode: "OTP_INVALID", message: /attempts left/ } } } as unknown as Scenario;

  it("pass when the step carries the code and a matching message", () => {
    expect(mockErrorMismatches(run(result("rest", [wrong("4 attempts left")])), [scenario])).toEqual([]);
  });

  it("name a wrong code, a message that does not match, and a missing step", () => {
    const other = { step: "verify#1", shape: shapeOf(failure("TOO_MANY_ATTEMPTS", "locked")), message: "locked" };
    expect(mockErrorMismatches(run(result("rest", [other]), result("sdk", [wrong("locked")]), result("rest", [])), [scenario])).toEqual([
      "mock wrong-then-right over rest verify#1: error code TOO_MANY_ATTEMPTS, expected OTP_INVALID",
      'mock wrong-then-right over sdk verify#1: message "locked" does not match /attempts left/',
      "mock wrong-then-right over rest verify#1: no such step (steps: )",
    ]);
  });
});
