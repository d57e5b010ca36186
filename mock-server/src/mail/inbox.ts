import type { CapturedEmail, EmailDraft } from "./email.js";

export interface EmailFilter {
  /** Recipient address, compared case-insensitively. */
  to?: string;
  authRequestId?: string;
  /** Only emails with a greater `seq`. */
  after?: number;
}

interface Waiter {
  check: () => boolean;
}

function matches(email: CapturedEmail, filter: EmailFilter): boolean {
  return (
    (filter.to === undefined || email.to.toLowerCase() === filter.to.toLowerCase()) &&
    (filter.authRequestId === undefined || email.authRequestId === filter.authRequestId) &&
    (filter.after === undefined || email.seq > filter.after)
  );
}

/**
 * The captured emails of one environment, oldest first in memory, newest
 * first out. Waiters are woken by each capture: no polling.
 */
export class Inbox {
  /** Most emails kept; read on every capture so a settings change applies at once. */
  readonly #limit: () => number;
  #emails: CapturedEmail[] = [];
  #byId = new Map<string, CapturedEmail>();
  /**
   * Emails by lower-cased recipient, oldest first: lookups by address stay fast in a big inbox.
   * A recipient of one email maps to the email itself (most addresses get one), saving an array each.
   */
  #byRecipient = new Map<string, CapturedEmail | CapturedEmail[]>();
  #nextSeq = 1;
  readonly #waiters = new Set<Waiter>();
  readonly #listeners = new Set<(email: CapturedEmail) => void>();
  readonly #late = new Set<NodeJS.Timeout>();

  constructor(limit: () => number = () => Number.POSITIVE_INFINITY) {
    this.#limit = limit;
  }

  capture(draft: EmailDraft): CapturedEmail {
    // Assigned in place: a spread would render the draft's lazy bodies.
    const email: CapturedEmail = Object.assign(draft, { seq: this.#nextSeq++ });
    this.#add(email);
    this.applyLimit();
    for (const listener of this.#listeners) listener(email);
    for (const waiter of [...this.#waiters]) waiter.check();
    return email;
  }

  /** Drops the oldest emails past the limit: after each capture, and when the limit is lowered. */
  applyLimit(): void {
    const excess = this.#emails.length - this.#limit();
    if (excess > 0) for (const old of this.#emails.splice(0, excess)) this.#forget(old);
  }

  #add(email: CapturedEmail): void {
    this.#emails.push(email);
    this.#byId.set(email.id, email);
    const key = email.to.toLowerCase();
    const found = this.#byRecipient.get(key);
    if (found === undefined) this.#byRecipient.set(key, email);
    else if (Array.isArray(found)) found.push(email);
    else this.#byRecipient.set(key, [found, email]);
  }

  #ofRecipient(address: string): readonly CapturedEmail[] {
    const found = this.#byRecipient.get(address.toLowerCase());
    return found === undefined ? [] : Array.isArray(found) ? found : [found];
  }

  /** Drops an evicted email: the oldest, so also the oldest of its recipient. */
  #forget(email: CapturedEmail): void {
    this.#byId.delete(email.id);
    const key = email.to.toLowerCase();
    const found = this.#byRecipient.get(key);
    if (found === email) this.#byRecipient.delete(key);
    else if (Array.isArray(found) && found[0] === email) {
      found.shift();
      if (found.length === 0) this.#byRecipient.delete(key);
    }
  }

  /** Captures the email after `delayMs` of real time, as a slow mail server would deliver it. */
  captureLater(draft: EmailDraft, delayMs: number): void {
    const timer = setTimeout(() => {
      this.#late.delete(timer);
      this.capture(draft);
    }, delayMs);
    timer.unref();
    this.#late.add(timer);
  }

  onCapture(listener: (email: CapturedEmail) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Newest first. */
  list(filter: EmailFilter = {}, limit = Number.POSITIVE_INFINITY): CapturedEmail[] {
    const out: CapturedEmail[] = [];
    const source = filter.to === undefined ? this.#emails : this.#ofRecipient(filter.to);
    for (let i = source.length - 1; i >= 0 && out.length < limit; i--) {
      const email = source[i]!;
      if (filter.after !== undefined && email.seq <= filter.after) break;
      if (matches(email, filter)) out.push(email);
    }
    return out;
  }

  latest(filter: EmailFilter = {}): CapturedEmail | undefined {
    return this.list(filter, 1)[0];
  }

  get(id: string): CapturedEmail | undefined {
    return this.#byId.get(id);
  }

  get size(): number {
    return this.#emails.length;
  }

  /** Deletes every email; `seq` keeps counting so cursors stay valid. */
  clear(): number {
    const count = this.#emails.length;
    this.#emails = [];
    this.#byId.clear();
    this.#byRecipient.clear();
    return count;
  }

  /** Deletes every email, drops late ones, and starts `seq` again from 1. */
  reset(): void {
    this.clear();
    this.cancelLateDeliveries();
    this.#nextSeq = 1;
  }

  /** Forgets emails scheduled by captureLater (shutdown, reset). */
  cancelLateDeliveries(): void {
    for (const timer of this.#late) clearTimeout(timer);
    this.#late.clear();
  }

  /** Every email, oldest first, and the next `seq`: for snapshots. */
  export(): { emails: CapturedEmail[]; nextSeq: number } {
    return { emails: [...this.#emails], nextSeq: this.#nextSeq };
  }

  /** Replaces the contents with an export. Waiters see the restored emails. */
  import(state: { emails: CapturedEmail[]; nextSeq: number }): void {
    this.reset();
    for (const email of state.emails) this.#add(email);
    this.#nextSeq = state.nextSeq;
    for (const waiter of [...this.#waiters]) waiter.check();
  }

  /**
   * Resolves with the first defined result of `find`, tried now and after
   * every capture; with undefined once `timeoutMs` of real time pass or
   * `signal` aborts.
   */
  waitFor<T>(find: () => T | undefined, timeoutMs: number, signal?: AbortSignal): Promise<T | undefined> {
    const found = find();
    if (found !== undefined || timeoutMs <= 0 || signal?.aborted) return Promise.resolve(found);
    return new Promise((resolve) => {
      const finish = (value: T | undefined) => {
        clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
        this.#waiters.delete(waiter);
        resolve(value);
      };
      const onAbort = () => finish(undefined);
      const waiter: Waiter = {
        check: () => {
          const value = find();
          if (value === undefined) return false;
          finish(value);
          return true;
        },
      };
      const timer = setTimeout(() => finish(undefined), timeoutMs);
      signal?.addEventListener("abort", onAbort, { once: true });
      this.#waiters.add(waiter);
    });
  }

  get waiting(): number {
    return this.#waiters.size;
  }
}
