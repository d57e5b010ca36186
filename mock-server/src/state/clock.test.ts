import { describe, expect, it } from "vitest";
import { ClockRangeError, MockClock } from "./clock.js";
import { MOCK_TIME_MAX } from "../domain/mock-time.js";

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

  it("refuses a change that would leave the mock time range, and changes nothing", () => {
    const wall = fakeWall(1_000);
    const clock = new MockClock(wall.read);
    const seen: number[] = [];
    clock.onChange((state) => seen.push(state.now));
    const before = clock.state();
    for (const change of [
      { advance: 8.64e18 },
      { advance: 1e300 },
      { advance: Number.NaN },
      { advance: -1_001 },
      { set: MOCK_TIME_MAX + 1 },
      { set: 8_639_999_999_000_000 },
      { set: -1 },
      { freeze: true, advance: 8.64e18 },
    ]) {
      expect(() => clock.apply(change), JSON.stringify(change)).toThrow(ClockRangeError);
      expect(clock.state()).toEqual(before);
    }
    expect(() => clock.advance(1e300)).toThrow(/outside 1970-01-01T00:00:00.000Z to 9999-12-31T23:59:59.999Z/);
    expect(seen).toEqual([]);
    expect(clock.apply({ set: MOCK_TIME_MAX, freeze: true })).toEqual({ now: MOCK_TIME_MAX, offsetMs: MOCK_TIME_MAX - 1_000, frozen: true });
    expect(clock.apply({ advance: -MOCK_TIME_MAX }).now).toBe(0);
  });

  it("stands at the end of the range when running into it", () => {
    const wall = fakeWall(1_000);
    const clock = new MockClock(wall.read);
    clock.set(MOCK_TIME_MAX - 10);
    wall.tick(60_000);
    expect(clock.now()).toBe(MOCK_TIME_MAX);
    expect(clock.state().now).toBe(MOCK_TIME_MAX);
    clock.unfreeze();
    expect(clock.now()).toBe(MOCK_TIME_MAX);
  });

  it("freezes, sets and advances in one change", () => {
    const wall = fakeWall(1_000);
    const clock = new MockClock(wall.read);
    expect(clock.apply({ freeze: true, advance: 500 })).toEqual({ now: 1_500, offsetMs: 500, frozen: true });
    wall.tick(100);
    expect(clock.apply({ freeze: false, set: 10_000 })).toEqual({ now: 10_000, offsetMs: 8_900, frozen: false });
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
