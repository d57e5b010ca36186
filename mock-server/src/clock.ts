/** Reads the time, in epoch milliseconds. Domain code gets one of these. */
export interface Clock {
  now(): number;
}

export interface ClockState {
  /** The mock's current time, epoch ms. */
  now: number;
  /** How far the mock runs ahead of (or behind) real time, in ms. */
  offsetMs: number;
  frozen: boolean;
}

/**
 * The instants the mock clock may show: years 0000 to 9999 (UTC). Every one
 * prints as ISO 8601, and an expiry up to a uint32 of seconds later is still
 * a valid Date; a clock moved beyond would make every time it reads fail.
 */
export const CLOCK_RANGE = { min: Date.parse("0000-01-01T00:00:00.000Z"), max: Date.parse("9999-12-31T23:59:59.999Z") } as const;

/** A move that would take the clock outside `CLOCK_RANGE`. */
export class ClockRangeError extends RangeError {}

/**
 * Real time plus an offset, or a frozen instant. Tests move it with
 * `advance`, `set` and `freeze` instead of sleeping.
 */
export class MockClock implements Clock {
  readonly #wallTime: () => number;
  #offsetMs = 0;
  #frozenAt: number | undefined;
  readonly #listeners = new Set<(state: ClockState) => void>();

  constructor(wallTime: () => number = Date.now) {
    this.#wallTime = wallTime;
  }

  now(): number {
    return this.#frozenAt ?? this.#wallTime() + this.#offsetMs;
  }

  /** Throws ClockRangeError unless the clock may show `instant`; callers check before changing anything. */
  static check(instant: number): void {
    if (!(instant >= CLOCK_RANGE.min && instant <= CLOCK_RANGE.max)) {
      const shown = Number.isFinite(instant) && Math.abs(instant) <= 8.64e15 ? new Date(instant).toISOString() : `${instant} ms since 1970`;
      throw new ClockRangeError(`the mock clock runs from 0000-01-01 to 9999-12-31 (UTC); it cannot show ${shown}`);
    }
  }

  advance(ms: number): ClockState {
    MockClock.check(this.now() + ms);
    if (this.#frozenAt !== undefined) this.#frozenAt += ms;
    else this.#offsetMs += ms;
    return this.#changed();
  }

  set(epochMs: number): ClockState {
    MockClock.check(epochMs);
    if (this.#frozenAt !== undefined) this.#frozenAt = epochMs;
    else this.#offsetMs = epochMs - this.#wallTime();
    return this.#changed();
  }

  freeze(): ClockState {
    this.#frozenAt ??= this.now();
    return this.#changed();
  }

  unfreeze(): ClockState {
    if (this.#frozenAt !== undefined) {
      this.#offsetMs = this.#frozenAt - this.#wallTime();
      this.#frozenAt = undefined;
    }
    return this.#changed();
  }

  /** Back to real time, not frozen. */
  reset(): ClockState {
    this.#offsetMs = 0;
    this.#frozenAt = undefined;
    return this.#changed();
  }

  state(): ClockState {
    // One reading of the wall clock: two could straddle a millisecond and report an advance of
    // 10 minutes as 9m 59.999s.
    const wall = this.#wallTime();
    const now = this.#frozenAt ?? wall + this.#offsetMs;
    return { now, offsetMs: now - wall, frozen: this.#frozenAt !== undefined };
  }

  onChange(listener: (state: ClockState) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #changed(): ClockState {
    const state = this.state();
    for (const listener of this.#listeners) listener(state);
    return state;
  }
}
