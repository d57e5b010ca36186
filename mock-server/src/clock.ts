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

  advance(ms: number): ClockState {
    if (this.#frozenAt !== undefined) this.#frozenAt += ms;
    else this.#offsetMs += ms;
    return this.#changed();
  }

  set(epochMs: number): ClockState {
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
