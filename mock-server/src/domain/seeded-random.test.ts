import { describe, expect, it } from "vitest";
import { randomChars, randomDigits, randomUrlSafe, randomUuid } from "./random-source.js";
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

  it("keeps the digits a seed has always given", () => {
    const digits = (n: number) => randomDigits(new SeededRandom("golden").stream("env", "a@x", 1, 0, "code"), n);
    expect([digits(4), digits(6), digits(10)]).toEqual(["6529", "652920", "6529202205"]);
  });

  it("draws every character of a 36-character alphabet about equally often", () => {
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    const counts = new Map<string, number>();
    for (const c of randomChars(new SeededRandom("s").stream("spread36"), alphabet, 36_000)) counts.set(c, (counts.get(c) ?? 0) + 1);
    expect([...counts.keys()].sort()).toEqual([...alphabet].sort());
    for (const count of counts.values()) expect(count).toBeGreaterThan(850);
    for (const count of counts.values()) expect(count).toBeLessThan(1_150);
  });

  it("spreads digits evenly", () => {
    const counts = new Array(10).fill(0);
    for (const d of randomDigits(new SeededRandom("s").stream("spread"), 20_000)) counts[Number(d)]++;
    for (const count of counts) expect(count).toBeGreaterThan(1_800);
  });
});
