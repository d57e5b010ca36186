/** The span a per-minute rate limit counts over. */
export const RATE_WINDOW_MS = 60_000;

/** Whether a call may go on now, and if not, when the window will have room. */
export type RateDecision = { admitted: true } | { admitted: false; retryAfterMs: number };

/**
 * A sliding 60-second window of admitted calls, read on the mock clock the
 * caller passes in: a call is admitted while fewer than `limit` calls were
 * admitted in the 60 s up to `now`. It keeps the times of at most `limit`
 * admitted calls, sorted, so its memory is bounded by the limit whatever the
 * call rate. Refused calls are not stored: they do not push the window on.
 *
 * Nothing here reads the real time; the same times give the same decisions.
 */
export class RateWindow {
  /** Admission times, ascending; calls that left the window are dropped lazily. */
  #times: number[] = [];

  /** Admits a call at `now` (and remembers it) or says how long until the window has room. */
  admit(now: number, limit: number): RateDecision {
    this.#forget(now, limit);
    if (this.#times.length >= limit) return { admitted: false, retryAfterMs: this.#times[0]! + RATE_WINDOW_MS - now };
    this.#insert(now);
    return { admitted: true };
  }

  /** Calls admitted in the window ending at `now` (those still remembered). */
  count(now: number): number {
    return this.#times.filter((time) => time > now - RATE_WINDOW_MS).length;
  }

  clear(): void {
    this.#times = [];
  }

  /**
   * Drops the calls that left the window, and past a lowered limit the
   * oldest ones, which can never decide an answer again. A call stored at a
   * time after `now` (the clock was set back since) stays: it still happened
   * within the last minute the clock can show, so moving the clock back never
   * frees the window.
   */
  #forget(now: number, limit: number): void {
    let stale = 0;
    while (stale < this.#times.length && this.#times[stale]! <= now - RATE_WINDOW_MS) stale++;
    stale = Math.max(stale, this.#times.length - limit);
    if (stale > 0) this.#times.splice(0, stale);
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
