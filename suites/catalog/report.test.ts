import { describe, expect, it } from "vitest";
import { extractCredentials } from "./inbox-readers.js";
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

describe("reading credentials out of an email", () => {
  it("finds the code and the link, not digits of the link or the date", () => {
    const text = "Enter 482913 to sign in.\nOr open https://app.test/cb?next=%2F123456&link_token=ab12-cd_l\nExpires 2026-11-28 10:05 UTC";
    expect(extractCredentials(text)).toEqual({ code: "482913", link: "https://app.test/cb?next=%2F123456&link_token=ab12-cd_l", linkToken: "ab12-cd_l" });
    expect(extractCredentials("no credentials here, 2026")).toEqual({});
  });

  it("finds an alphanumeric code, not an upper-case word, a year or the time zone", () => {
    expect(extractCredentials("SIGN IN to ACME\nEnter 7KQ2ZD to sign in.\nExpires 2026-11-28 10:05 UTC")).toEqual({ code: "7KQ2ZD" });
    expect(extractCredentials("WELCOME to ACME, 2026-11-28 10:05 UTC")).toEqual({});
  });
});
