import { describe, expect, it } from "vitest";
import { CLOCK_RANGE, ClockRangeError, MockClock } from "./clock.js";

function fakeWall(start: number) {
  let now = start;
  return { read: () => now, tick: (ms: number) => (now += ms) };
}

describe("MockClock", () => {
  it("follows real time plus an offset", () => {
    const wall = fakeWall(1_000);
    const clock = new MockClock(wall.read);
    clock.advance(500);
    wall.tick(100);
    expect(clock.now()).toBe(1_600);
    expect(clock.state()).toEqual({ now: 1_600, offsetMs: 500, frozen: false });
  });

  it("reports the offset exactly, even when the wall clock ticks between readings", () => {
    let wall = 1_000;
    const clock = new MockClock(() => wall++);
    clock.advance(600_000);
    expect(clock.state().offsetMs).toBe(600_000);
  });

  it("stands still when frozen, moves only by advance and set", () => {
    const wall = fakeWall(1_000);
    const clock = new MockClock(wall.read);
    clock.freeze();
    wall.tick(5_000);
    expect(clock.now()).toBe(1_000);
    clock.advance(60_000);
    expect(clock.now()).toBe(61_000);
    clock.set(5);
    expect(clock.now()).toBe(5);
  });

  it("resumes from the frozen instant when unfrozen", () => {
    const wall = fakeWall(1_000);
    const clock = new MockClock(wall.read);
    clock.freeze();
    clock.advance(10);
    wall.tick(1_000);
    clock.unfreeze();
    wall.tick(7);
    expect(clock.now()).toBe(1_017);
  });

  it("sets an instant while running and resets to real time", () => {
    const wall = fakeWall(1_000);
    const clock = new MockClock(wall.read);
    clock.set(50_000);
    wall.tick(1);
    expect(clock.now()).toBe(50_001);
    clock.reset();
    expect(clock.now()).toBe(1_001);
  });

  it("tells listeners about each change", () => {
    const clock = new MockClock(() => 0);
    const seen: number[] = [];
    clock.onChange((state) => seen.push(state.now));
    clock.advance(5);
    clock.set(100);
    expect(seen).toEqual([5, 100]);
  });
});

describe("MockClock range", () => {
  it("refuses to move outside the years 0000 to 9999 and stays where it was", () => {
    const clock = new MockClock(() => 1_000);
    expect(() => clock.set(CLOCK_RANGE.max + 1)).toThrow(ClockRangeError);
    expect(() => clock.advance(Number.POSITIVE_INFINITY)).toThrow(/0000-01-01 to 9999-12-31/);
    expect(() => clock.advance(CLOCK_RANGE.min - 1_001)).toThrow(ClockRangeError);
    expect(clock.now()).toBe(1_000);
    expect(clock.set(CLOCK_RANGE.max).now).toBe(CLOCK_RANGE.max);
    expect(new Date(clock.now()).toISOString()).toBe("9999-12-31T23:59:59.999Z");
  });
});
