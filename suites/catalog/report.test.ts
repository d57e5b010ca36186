import { describe, expect, it } from "vitest";
import { buildReport, diffShapes, renderMarkdown } from "./report.js";
import type { RunResult } from "./runner.js";
import { shapeOf } from "./runner.js";

const result = (target: string, steps: RunResult["steps"], status: RunResult["status"] = "pass"): RunResult => ({
  scenario: "otp-sign-in",
  title: "OTP sign-in",
  target,
  transport: "rest",
  status,
  durationMs: 1,
  steps,
});

describe("shape diff", () => {
  const reference = result("mock", [
    { step: "send#1", shape: shapeOf({ ok: true, value: { authRequestId: "a", expiresAt: 1, expiresIn: 300, passwordlessType: "OTP" } }) },
    { step: "verify#1", shape: shapeOf({ ok: false, error: { grpcCode: 3, errorCode: "OTP_INVALID", message: "x" } }) },
  ]);

  it("finds types, presence, enum values and error codes that differ", () => {
    const other = result("real", [
      { step: "send#1", shape: shapeOf({ ok: true, value: { authRequestId: "b", expiresAt: "1", passwordlessType: "LINK" } }) },
      { step: "verify#1", shape: shapeOf({ ok: false, error: { grpcCode: 9, errorCode: "INVALID_OTP", message: "y" } }) },
      { step: "resend#1", shape: { outcome: "ok" } },
    ]);
    expect(diffShapes(reference, other).map((d) => `${d.step} ${d.field}: ${d.reference} → ${d.actual}`)).toEqual([
      "send#1 expiresAt: number → string",
      "send#1 expiresIn: number → (absent)",
      "send#1 passwordlessType: enum OTP → enum LINK",
      "verify#1 grpc_code: 3 → 9",
      "verify#1 error_code: OTP_INVALID → INVALID_OTP",
      "resend#1 (step): (absent) → called",
    ]);
  });

  it("makes the report not OK on a difference or a failure, and says so", () => {
    const same = buildReport([
      { target: "mock", wallMs: 1, results: [reference] },
      { target: "real", wallMs: 1, results: [{ ...reference, target: "real" }] },
    ]);
    expect(same.summary.ok).toBe(true);
    const different = buildReport([
      { target: "mock", wallMs: 1, results: [reference] },
      { target: "real", wallMs: 1, results: [result("real", reference.steps.slice(0, 1))] },
    ]);
    expect(different.summary).toMatchObject({ diffs: 1, ok: false });
    const failed = buildReport([{ target: "mock", wallMs: 1, results: [{ ...reference, status: "fail", reason: "boom" }] }]);
    expect(failed.summary.ok).toBe(false);
    expect(renderMarkdown(failed)).toContain("- mock rest otp-sign-in: boom");
    expect(renderMarkdown(different)).toContain("| real | rest | otp-sign-in | verify#1 | (step) | called | (absent) |");
  });
});

describe("a real target in the report", () => {
  it("shows its inbox kind, its run id and the time each scenario took", () => {
    const reference = result("mock", [{ step: "send#1", shape: { outcome: "ok" } }]);
    const real = { ...reference, target: "real", durationMs: 1234 };
    const report = buildReport([
      { target: "mock", wallMs: 1, results: [reference] },
      { target: "real", details: { inbox: "imap", where: "imaps://qa@mail.example.test:993/INBOX", runId: "r1a2b3c" }, wallMs: 2000, results: [real] },
    ]);
    expect(report.targets[1]!.details).toEqual({ inbox: "imap", where: "imaps://qa@mail.example.test:993/INBOX", runId: "r1a2b3c" });
    const markdown = renderMarkdown(report);
    expect(markdown).toContain("| real | 1 pass, 0 fail, 0 n/a | 2.0 s | imap (imaps://qa@mail.example.test:993/INBOX) | r1a2b3c |");
    expect(markdown).toContain("| mock | 1 pass, 0 fail, 0 n/a | 0.0 s | mock |  |");
    expect(markdown).toContain("## Time per scenario on real");
    expect(markdown).toContain("| otp-sign-in | rest | pass | 1.23 s |");
    expect(markdown).not.toContain("## Time per scenario on mock");
  });
});

describe("a real run stopped by its cap on sends", () => {
  it("is not OK, and the report says which scenarios the cap stopped and how to raise it", () => {
    const reference = result("mock", [{ step: "send#1", shape: { outcome: "ok" } }]);
    const capped: RunResult = { ...reference, target: "real", status: "n/a", capped: true, reason: "the run reached its cap of 2 sends (SCALEKIT_REAL_MAX_SENDS)" };
    const report = buildReport([
      { target: "mock", wallMs: 1, results: [reference] },
      { target: "real", details: { inbox: "imap", where: "imaps://qa@mail.example.test:993/INBOX", runId: "r1" }, wallMs: 1, results: [capped] },
    ]);
    expect(report.summary).toMatchObject({ fail: 0, diffs: 0, capped: 1, ok: false });
    const markdown = renderMarkdown(report);
    expect(markdown).toContain("**NOT OK**");
    expect(markdown).toContain("1 not run to the end because the run reached its cap on sends (raise SCALEKIT_REAL_MAX_SENDS)");
    expect(markdown).toContain("| real | 0 pass, 0 fail, 1 n/a (1 stopped by the send cap) |");
    expect(markdown).toContain("- real rest otp-sign-in: the run reached its cap of 2 sends (SCALEKIT_REAL_MAX_SENDS)");
  });
});
