import { describe, expect, it } from "vitest";
import { z, ZodError } from "zod";
import { ControlError, invalidInput } from "../services/control-error.js";
import { direct, inProcessError } from "./environment-api.js";

describe("in-process errors", () => {
  it("throws a refusal's own cause, as the in-process API always has", () => {
    const zod = z.object({ otpLength: z.number() }).safeParse({ otpLength: "6" }).error!;
    expect(() => direct(() => { throw invalidInput("settings", zod); })).toThrow(zod);
    const range = new RangeError("outside the mock time range");
    expect(inProcessError(new ControlError(400, "INVALID_ARGUMENT", "invalid clock change", [], { cause: range }))).toBe(range);
  });

  it("throws a TypeError with the message of a refusal without a cause", () => {
    const thrown = inProcessError(new ControlError(400, "INVALID_ARGUMENT", "settings must be a JSON object of the fields to change"));
    expect(thrown).toBeInstanceOf(TypeError);
    expect((thrown as TypeError).message).toBe("settings must be a JSON object of the fields to change");
  });

  it("passes any other error on untouched", () => {
    const bug = new Error("a bug");
    expect(() => direct(() => { throw bug; })).toThrow(bug);
    expect(inProcessError(new ZodError([]))).toBeInstanceOf(ZodError);
  });
});
