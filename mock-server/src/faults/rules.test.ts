import { describe, expect, it } from "vitest";
import { faultRuleInput, type FaultRuleInput } from "../schemas/faults.js";
import { SeededRandom } from "../domain/seeded-random.js";
import { grpcCodeOfHttp } from "../domain/errors.js";
import { FaultRuleError, FaultRules, globMatches } from "./rules.js";

const rules = (seed = "s") => new FaultRules(new SeededRandom(seed), "env");
const add = (set: FaultRules, input: FaultRuleInput) => set.add(faultRuleInput.parse(input));
const send = (email = "a@example.com") => ({ operation: "send" as const, transport: "rest" as const, email });

describe("fault rules", () => {
  it("match operation, transport and email; the first that acts wins", () => {
    const set = rules();
    add(set, { operation: "verify", error: "Internal" });
    add(set, { operation: "send", match: { transport: "grpc" }, error: "Internal" });
    add(set, { operation: "*", match: { email: "*@x.test" }, error: "Unavailable" });
    add(set, { operation: "send", error: "NotFound" });
    expect(set.evaluate(send("a@X.TEST"))?.id).toBe("f_3");
    expect(set.evaluate(send("a@y.test"))?.id).toBe("f_4");
    expect(set.evaluate({ operation: "token", transport: "rest" })).toBeUndefined();
  });

  it("skips `after` matches, acts `times` times, and counts both", () => {
    const set = rules();
    const rule = add(set, { operation: "send", delayMs: 1, after: 1, times: 2 });
    expect([1, 2, 3, 4].map(() => set.evaluate(send())?.id)).toEqual([undefined, "f_1", "f_1", undefined]);
    expect([rule.matches, rule.hits]).toEqual([3, 2]);
  });

  it("draws probability from the seed", () => {
    const pattern = (seed: string) => {
      const set = rules(seed);
      add(set, { operation: "send", delayMs: 1, probability: 0.3 });
      return Array.from({ length: 200 }, () => (set.evaluate(send()) ? 1 : 0)).join("");
    };
    const a = pattern("one");
    expect(pattern("one")).toBe(a);
    expect(pattern("two")).not.toBe(a);
    const hits = [...a].filter((c) => c === "1").length;
    expect(hits).toBeGreaterThan(35);
    expect(hits).toBeLessThan(85);
  });

  it("applies mail faults to sends and resends only, and only when their email is delivered", () => {
    const set = rules();
    add(set, { operation: "*", mail: "drop" });
    expect(set.evaluate({ operation: "verify", transport: "rest", email: "a@b.c" }, "delivery")).toBeUndefined();
    // On arrival a mail rule does not act (the call may still fail), nor is it counted.
    expect(set.evaluate(send(), "call")).toBeUndefined();
    expect(set.list()[0]).toMatchObject({ matches: 0, hits: 0 });
    expect(set.evaluate(send(), "delivery")?.action).toEqual({ kind: "mail", mode: "drop", delayMs: 5000 });
  });

  it("tries call rules on arrival without mail rules standing in their way", () => {
    const set = rules();
    add(set, { operation: "send", mail: "drop" });
    add(set, { operation: "send", error: "Unavailable" });
    expect(set.evaluate(send(), "call")?.action).toMatchObject({ kind: "error", grpcCode: "Unavailable" });
  });

  it("derives the missing half of an error from the other", () => {
    const set = rules();
    expect(add(set, { operation: "send", error: "ResourceExhausted" }).action).toMatchObject({ httpStatus: 429, errorCode: "RESOURCE_EXHAUSTED" });
    expect(add(set, { operation: "send", error: { status: 503 } }).action).toMatchObject({ grpcCode: "Unavailable", errorCode: "UNAVAILABLE" });
    expect(add(set, { operation: "send", error: 14 }).action).toMatchObject({ grpcCode: "Unavailable" });
    expect(add(set, { operation: "send", error: "resource_exhausted" }).action).toMatchObject({ grpcCode: "ResourceExhausted" });
    expect(grpcCodeOfHttp(418)).toBe("FailedPrecondition");
    expect(grpcCodeOfHttp(500)).toBe("Internal");
  });

  it("refuses a taken id and numbers the rest", () => {
    const set = rules();
    add(set, { operation: "send", delayMs: 1, id: "f_1" });
    expect(add(set, { operation: "send", delayMs: 1 }).id).toBe("f_2");
    expect(() => add(set, { operation: "send", delayMs: 1, id: "f_2" })).toThrow(/already exists/);
    expect(set.remove("f_1")).toBe(true);
    expect(set.clear()).toBe(1);
  });

  it("adds a batch whole or not at all: a taken id or a repeated one adds nothing", () => {
    const set = rules();
    add(set, { operation: "send", delayMs: 1, id: "taken" });
    const spec = (id?: string) => faultRuleInput.parse({ operation: "send", delayMs: 1, ...(id !== undefined && { id }) });
    expect(() => set.addAll([spec(), spec("taken")])).toThrow(FaultRuleError);
    expect(() => set.addAll([spec("twice"), spec(), spec("twice")])).toThrow(/"twice" already exists/);
    expect(set.list().map((r) => r.id)).toEqual(["taken"]);
    // Fresh ids step around the ids the batch chooses.
    expect(set.addAll([spec(), spec("f_1")]).map((r) => r.id)).toEqual(["f_2", "f_1"]);
  });

  it("holds at most `limit` rules: a batch that would pass it adds nothing", () => {
    let limit = 3;
    const set = new FaultRules(new SeededRandom("s"), "env", () => limit);
    const spec = faultRuleInput.parse({ operation: "send", delayMs: 1 });
    set.addAll([spec, spec]);
    const refused = (() => {
      try {
        set.addAll([spec, spec]);
      } catch (error) {
        return error;
      }
    })();
    expect(refused).toBeInstanceOf(FaultRuleError);
    expect(refused).toMatchObject({ reason: "limit", message: expect.stringContaining("faultLimit") });
    expect(set.size).toBe(2);
    set.add(spec);
    expect(() => set.add(spec)).toThrow(/at most 3 fault rules/);
    limit = 4;
    expect(set.add(spec).id).toBe("f_4");
  });

  it("tries rules in the order they were added, also after some are removed", () => {
    const set = rules();
    for (const id of ["a", "b", "c"]) add(set, { operation: "send", error: "Internal", id });
    set.remove("a");
    add(set, { operation: "send", error: "Internal", id: "a" });
    expect(set.list().map((r) => r.id)).toEqual(["b", "c", "a"]);
    expect(set.evaluate(send())?.id).toBe("b");
  });
});

describe("globMatches", () => {
  it.each([
    ["*@example.com", "ana@EXAMPLE.com", true],
    ["ana@example.com", "ana@example.com", true],
    ["an?@example.com", "ann@example.com", true],
    ["an?@example.com", "anna@example.com", false],
    ["a.b@x.com", "aXb@x.com", false],
    ["user+*@x.com", "user+1@x.com", true],
  ])("%s against %s is %s", (pattern, value, expected) => {
    expect(globMatches(pattern, value)).toBe(expected);
  });
});
