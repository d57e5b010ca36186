import { describe, expect, it } from "vitest";
import { describeSeconds, parseDuration } from "./duration.js";

describe("parseDuration", () => {
  it.each([
    ["5m", 300_000],
    ["1h30m", 5_400_000],
    ["250ms", 250],
    ["1.5s", 1_500],
    ["-30s", -30_000],
    ["2d", 172_800_000],
    ["1500", 1_500],
  ])("reads %j", (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it("reads bare numbers in the given unit", () => {
    expect(parseDuration(5, "s")).toBe(5_000);
    expect(parseDuration("5", "s")).toBe(5_000);
    expect(parseDuration(5)).toBe(5);
  });

  it.each(["", "m", "5x", "5m junk", "five", "--5s"])("rejects %j", (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });
});

describe("describeSeconds", () => {
  it("words expiries as emails do", () => {
    expect(describeSeconds(300)).toBe("5 minutes");
    expect(describeSeconds(60)).toBe("1 minute");
    expect(describeSeconds(3600)).toBe("1 hour");
    expect(describeSeconds(90)).toBe("90 seconds");
  });
});
