import { describeInstant, isMockTime, MOCK_TIME_MAX, MOCK_TIME_RANGE } from "../domain/mock-time.js";

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

/** One change of the clock, applied whole: freeze or unfreeze, then set or advance. */
export interface ClockChange {
  /** Ms to move by; may be negative. */
  advance?: number | undefined;
  /** The instant to show, epoch ms. */
  set?: number | undefined;
  freeze?: boolean | undefined;
}

/** A change that would move the clock outside MOCK_TIME_MIN..MOCK_TIME_MAX; the clock is left as it was. */
export class ClockRangeError extends RangeError {
  constructor(readonly field: "advance" | "set", target: number) {
    super(`${field} would put the mock clock at ${describeInstant(target)}, outside ${MOCK_TIME_RANGE}; the clock did not change`);
    this.name = "ClockRangeError";
  }
}

/**
 * Real time plus an offset, or a frozen instant. Tests move it with
 * `advance`, `set` and `freeze` instead of sleeping. It never shows a time
 * outside the mock time range: a change that would is refused whole, and a
 * running clock that reaches the end stands there.
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
    return this.#read(this.#wallTime());
  }

  #read(wall: number): number {
    return this.#frozenAt ?? Math.min(wall + this.#offsetMs, MOCK_TIME_MAX);
  }

  /**
   * Checks where the change would leave the clock before changing anything,
   * so a refused change (ClockRangeError) leaves it frozen or running as it was.
   */
  apply(change: ClockChange): ClockState {
    const wall = this.#wallTime();
    const target = (change.set ?? this.#read(wall)) + (change.advance ?? 0);
    if (!isMockTime(target)) throw new ClockRangeError(change.advance !== undefined ? "advance" : "set", target);
    if (change.freeze ?? this.#frozenAt !== undefined) {
      this.#frozenAt = target;
    } else {
      this.#frozenAt = undefined;
      this.#offsetMs = target - wall;
    }
    return this.#changed();
  }

  advance(ms: number): ClockState {
    return this.apply({ advance: ms });
  }

  set(epochMs: number): ClockState {
    return this.apply({ set: epochMs });
  }

  freeze(): ClockState {
    return this.apply({ freeze: true });
  }

  unfreeze(): ClockState {
    return this.apply({ freeze: false });
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
    const now = this.#read(wall);
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
