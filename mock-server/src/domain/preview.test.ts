import { describe, expect, it } from "vitest";
import { describeValue, quote, truncate } from "./preview.js";

const nested = (depth: number): unknown => {
  let value: unknown = [];
  for (let i = 0; i < depth; i++) value = [value];
  return value;
};

describe("describeValue", () => {
  it("shows scalars, and arrays and objects only by kind", () => {
    expect(describeValue("abc")).toBe('"abc"');
    expect(describeValue(42)).toBe("42");
    expect(describeValue(false)).toBe("false");
    expect(describeValue(null)).toBe("null");
    expect(describeValue([1, 2])).toBe("an array (2 items)");
    expect(describeValue({ a: 1 })).toBe("an object");
  });

  it("says Infinity in words instead of the null JSON.stringify prints", () => {
    expect(describeValue(JSON.parse("1e400"))).toBe("a number too large to represent (it reads as Infinity)");
    expect(describeValue(JSON.parse("-1e400"))).toBe("a number too small to represent (it reads as -Infinity)");
  });

  it("describes a value nested 100,000 deep without looking inside", () => {
    expect(describeValue(nested(100_000))).toBe("an array (1 item)");
  });
});

describe("quote", () => {
  it("quotes short text whole, escaping line breaks and NUL", () => {
    expect(quote("a\nb\u0000")).toBe('"a\\nb\\u0000"');
  });

  it("cuts long text to 40 characters and says how long it was", () => {
    expect(quote("x".repeat(1_000_000))).toBe(`"${"x".repeat(40)}"… (1000000 characters)`);
  });

  it("counts characters, not UTF-16 units, and never splits a pair", () => {
    const emoji = "😀".repeat(40);
    expect(quote(emoji)).toBe(JSON.stringify(emoji));
    expect(quote("😀".repeat(41))).toBe(`${JSON.stringify(emoji)}… (41 characters)`);
  });
});

describe("truncate", () => {
  it("keeps short text and cuts long text with an ellipsis", () => {
    expect(truncate("short", 10)).toBe("short");
    expect(truncate("y".repeat(500), 100)).toHaveLength(100);
    expect(truncate("y".repeat(500), 100).endsWith("…")).toBe(true);
  });
});
