/** The span a per-minute rate limit counts over. */
export const RATE_WINDOW_MS = 60_000;

/** Whether a call may go on now, and if not, when the window will have room. */
export type RateDecision = { admitted: true } | { admitted: false; retryAfterMs: number };

/**
 * A sliding 60-second window of admitted calls, read on the mock clock the
 * caller passes in: a call is admitted while fewer than `limit` calls were
 * admitted in the 60 s up to `now`. It keeps the times of the admitted calls
 * still in the window, sorted: a call is stored only while fewer than the
 * limit are, so its memory is bounded by the highest limit of the last
 * minute, whatever the call rate. Refused calls are not stored: they do not
 * push the window on.
 *
 * Nothing here reads the real time; the same times give the same decisions.
 */
export class RateWindow {
  /** Admission times, ascending; calls that left the window are dropped lazily. */
  #times: number[] = [];

  /** Admits a call at `now` (and remembers it) or says how long until the window has room. */
  admit(now: number, limit: number): RateDecision {
    this.#forget(now);
    const over = this.#times.length - limit;
    // Room comes when the call that keeps the count at the limit turns a minute old.
    if (over >= 0) return { admitted: false, retryAfterMs: this.#times[over]! + RATE_WINDOW_MS - now };
    this.#insert(now);
    return { admitted: true };
  }

  clear(): void {
    this.#times = [];
  }

  /**
   * Drops the calls that left the window; setting the clock back later does
   * not bring them back. One stored at a time after `now` (the clock was set
   * back since) counts as made `now`: moving the clock back frees nothing,
   * yet the wait stays within a minute of the clock as it now reads, rather
   * than lasting until the clock reaches the time it was set back from.
   */
  #forget(now: number): void {
    let stale = 0;
    while (stale < this.#times.length && this.#times[stale]! <= now - RATE_WINDOW_MS) stale++;
    if (stale > 0) this.#times.splice(0, stale);
    for (let i = this.#times.length - 1; i >= 0 && this.#times[i]! > now; i--) this.#times[i] = now;
  }

  /** Keeps the times sorted; on a clock that only moves forward this is a push. */
  #insert(time: number): void {
    let at = this.#times.length;
    while (at > 0 && this.#times[at - 1]! > time) at--;
    this.#times.splice(at, 0, time);
  }
}

/** Whole seconds to wait, at least 1: what `retry-after` says. */
export function retryAfterSeconds(retryAfterMs: number): number {
  return Math.max(1, Math.ceil(retryAfterMs / 1000));
}
