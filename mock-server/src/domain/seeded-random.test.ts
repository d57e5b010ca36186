import { describe, expect, it } from "vitest";
import { randomDigits, randomUrlSafe, randomUuid } from "./random-source.js";
import { SeededRandom } from "./seeded-random.js";

describe("SeededRandom", () => {
  it("gives the same bytes for the same seed and scope", () => {
    const a = new SeededRandom("s").stream("env", "a@x", 1);
    const b = new SeededRandom("s").stream("env", "a@x", 1);
    expect(Buffer.from(a.bytes(40))).toEqual(Buffer.from(b.bytes(40)));
  });

  it("differs by seed and by scope, and scopes do not collide by concatenation", () => {
    const bytes = (seed: string, ...scope: string[]) => Buffer.from(new SeededRandom(seed).stream(...scope).bytes(16)).toString("hex");
    expect(bytes("s", "a")).not.toBe(bytes("t", "a"));
    expect(bytes("s", "ab", "c")).not.toBe(bytes("s", "a", "bc"));
  });

  it("continues a stream instead of repeating it", () => {
    const stream = new SeededRandom("s").stream("x");
    expect(Buffer.from(stream.bytes(32))).not.toEqual(Buffer.from(stream.bytes(32)));
  });

  it("shapes digits, URL-safe text and UUIDs", () => {
    const random = new SeededRandom("s");
    expect(randomDigits(random.stream("d"), 6)).toMatch(/^\d{6}$/);
    expect(randomUrlSafe(random.stream("u"), 50)).toMatch(/^[A-Za-z0-9_-]{50}$/);
    expect(randomUuid(random.stream("v"))).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it("spreads digits evenly", () => {
    const counts = new Array(10).fill(0);
    for (const d of randomDigits(new SeededRandom("s").stream("spread"), 20_000)) counts[Number(d)]++;
    for (const count of counts) expect(count).toBeGreaterThan(1_800);
  });
});
