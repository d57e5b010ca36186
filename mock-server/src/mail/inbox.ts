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
  #emails: CapturedEmail[] = [];
  #byId = new Map<string, CapturedEmail>();
  #nextSeq = 1;
  readonly #waiters = new Set<Waiter>();

  capture(draft: EmailDraft): CapturedEmail {
    const email: CapturedEmail = { ...draft, seq: this.#nextSeq++ };
    this.#emails.push(email);
    this.#byId.set(email.id, email);
    for (const waiter of [...this.#waiters]) waiter.check();
    return email;
  }

  /** Newest first. */
  list(filter: EmailFilter = {}, limit = Number.POSITIVE_INFINITY): CapturedEmail[] {
    const out: CapturedEmail[] = [];
    for (let i = this.#emails.length - 1; i >= 0 && out.length < limit; i--) {
      const email = this.#emails[i]!;
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
    return count;
  }

  /** Deletes every email and starts `seq` again from 1. */
  reset(): void {
    this.clear();
    this.#nextSeq = 1;
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
