import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { RATE_WINDOW_MS, RateWindow, retryAfterSeconds } from "./rate-window.js";

const T0 = Date.UTC(2026, 10, 28, 10, 0, 0);

/** Admits `n` calls at `now`; what each got. */
function burst(window: RateWindow, now: number, limit: number, n: number) {
  return Array.from({ length: n }, () => window.admit(now, limit));
}

describe("RateWindow", () => {
  it("admits up to the limit within a minute, then refuses until the oldest call is a minute old", () => {
    const window = new RateWindow();
    expect(burst(window, T0, 3, 3).every((d) => d.admitted)).toBe(true);
    expect(window.admit(T0, 3)).toEqual({ admitted: false, retryAfterMs: RATE_WINDOW_MS });
    expect(window.admit(T0 + 59_999, 3)).toEqual({ admitted: false, retryAfterMs: 1 });
    expect(window.admit(T0 + 60_000, 3)).toEqual({ admitted: true });
  });

  it("slides: room comes back one call at a time, as the calls that filled it turn a minute old", () => {
    const window = new RateWindow();
    window.admit(T0, 2);
    window.admit(T0 + 20_000, 2);
    expect(window.admit(T0 + 30_000, 2)).toEqual({ admitted: false, retryAfterMs: 30_000 });
    expect(window.admit(T0 + 60_000, 2)).toEqual({ admitted: true });
    // Now the calls of T0 + 20 s and T0 + 60 s fill it: room again at T0 + 80 s.
    expect(window.admit(T0 + 60_000, 2)).toEqual({ admitted: false, retryAfterMs: 20_000 });
  });

  it("never refills on a frozen clock: the same instant keeps being refused with the same wait", () => {
    const window = new RateWindow();
    burst(window, T0, 2, 2);
    const refusals = burst(window, T0, 2, 50);
    expect(refusals.every((d) => !d.admitted && d.retryAfterMs === RATE_WINDOW_MS)).toBe(true);
  });

  it("does not count refused calls: waiting out the retry-after is enough however often the client asked", () => {
    const window = new RateWindow();
    window.admit(T0, 1);
    for (let ms = 1_000; ms < 60_000; ms += 1_000) expect(window.admit(T0 + ms, 1).admitted).toBe(false);
    expect(window.admit(T0 + 60_000, 1)).toEqual({ admitted: true });
  });

  it("applies a raised limit at once and a lowered one at once, counting the same calls", () => {
    const window = new RateWindow();
    burst(window, T0, 2, 2);
    expect(window.admit(T0 + 1_000, 2).admitted).toBe(false);
    expect(window.admit(T0 + 1_000, 3)).toEqual({ admitted: true });
    // Three calls in the window: a limit of 1 refuses until the newest of them is a minute old.
    expect(window.admit(T0 + 2_000, 1)).toEqual({ admitted: false, retryAfterMs: 59_000 });
    // Raised again, the three still count.
    expect(window.admit(T0 + 2_000, 3)).toEqual({ admitted: false, retryAfterMs: 58_000 });
    expect(window.admit(T0 + 61_000, 1)).toEqual({ admitted: true });
  });

  it("keeps counting calls from a later time after the clock was set back, as made at the time it now reads: moving the clock back frees nothing, and the wait stays within a minute", () => {
    const window = new RateWindow();
    burst(window, T0, 2, 2);
    const earlier = T0 - 3_600_000;
    expect(window.admit(earlier, 2)).toEqual({ admitted: false, retryAfterMs: RATE_WINDOW_MS });
    expect(window.admit(earlier + RATE_WINDOW_MS - 1, 2).admitted).toBe(false);
    expect(window.admit(earlier + RATE_WINDOW_MS, 2)).toEqual({ admitted: true });
  });

  it("never asks for a wait beyond a minute, however far the clock was set back (year 9999 to 1970)", () => {
    const window = new RateWindow();
    window.admit(253_402_297_199_000, 1);
    expect(window.admit(0, 1)).toEqual({ admitted: false, retryAfterMs: RATE_WINDOW_MS });
  });

  it("decides exactly as counting every admitted call of the last minute would", () => {
    const step = fc.record({ dt: fc.integer({ min: -5_000, max: 40_000 }), limit: fc.integer({ min: 1, max: 4 }) });
    fc.assert(
      fc.property(fc.array(step, { maxLength: 60 }), (steps) => {
        const window = new RateWindow();
        let admitted: number[] = [];
        let now = T0;
        for (const { dt, limit } of steps) {
          now += dt;
          // A call once seen out of the window is forgotten, even if the clock is set back later.
          admitted = admitted.filter((t) => t > now - RATE_WINDOW_MS);
          // A call from a later time (the clock was set back) counts as made now.
          admitted = admitted.map((t) => Math.min(t, now));
          const inWindow = [...admitted].sort((a, b) => a - b);
          const decision = window.admit(now, limit);
          if (inWindow.length < limit) {
            expect(decision).toEqual({ admitted: true });
            admitted.push(now);
          } else {
            // The wait ends when the count in the window drops below the limit.
            // It can only drop when one of the calls turns a minute old: try those instants, earliest first.
            const candidates = inWindow.map((t) => t + RATE_WINDOW_MS - now).sort((a, b) => a - b);
            const waits = candidates.find((ms) => inWindow.filter((t) => t > now + ms - RATE_WINDOW_MS).length < limit);
            expect(decision).toEqual({ admitted: false, retryAfterMs: waits });
          }
        }
      }),
    );
  });
});

describe("retryAfterSeconds", () => {
  it("rounds up to whole seconds and says at least 1", () => {
    expect([1, 999, 1_000, 1_001, 60_000].map(retryAfterSeconds)).toEqual([1, 1, 1, 2, 60]);
    expect(retryAfterSeconds(0)).toBe(1);
  });
});
