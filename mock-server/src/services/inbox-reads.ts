import { emailListQuery, latestEmailQuery, otpQuery } from "../schemas/control.js";
import { quote } from "../domain/preview.js";
import type { CapturedEmail } from "../mail/email.js";
import type { EmailFilter } from "../mail/inbox.js";
import type { Environment } from "../state/environment.js";
import { notFound, parseInput, shuttingDown } from "./control-error.js";
import { waitForUsableCredentials, type UsableCredentials } from "./credential-lookup.js";

export type { CapturedEmail, EmailFilter, UsableCredentials };

function filterOf(query: { to?: string | undefined; auth_request_id?: string | undefined; after?: number | undefined }): EmailFilter {
  return {
    ...(query.to !== undefined && { to: query.to }),
    ...(query.auth_request_id !== undefined && { authRequestId: query.auth_request_id }),
    ...(query.after !== undefined && { after: query.after }),
  };
}

function describeFilter(filter: EmailFilter): string {
  const parts = [
    filter.to !== undefined && `to ${quote(filter.to)}`,
    filter.authRequestId !== undefined && `for auth request ${quote(filter.authRequestId)}`,
    filter.after !== undefined && `after seq ${filter.after}`,
  ].filter(Boolean);
  return parts.length > 0 ? ` ${parts.join(" ")}` : "";
}

const within = (ms: number) => (ms > 0 ? ` within ${ms / 1000}s` : "");

/**
 * Reads of one environment's inbox: lists, the newest email, one by id, and
 * long-polls for an email or for a code or link that still works. A wait
 * ends early when the caller's signal or the server's shutdown aborts; cut
 * short by shutdown, it raises UNAVAILABLE rather than "nothing found".
 */
export class InboxReads {
  readonly #env: Environment;
  readonly #shutdown: AbortSignal;

  constructor(env: Environment, shutdown: AbortSignal) {
    this.#env = env;
    this.#shutdown = shutdown;
  }

  get size(): number {
    return this.#env.inbox.size;
  }

  /** Newest first. */
  list(filter: EmailFilter = {}, limit?: number): CapturedEmail[] {
    return this.#env.inbox.list(filter, limit);
  }

  /** `list` from the control API's query (`to`, `auth_request_id`, `after`, `limit`). */
  query(input: unknown): CapturedEmail[] {
    const query = parseInput(emailListQuery, input, "query");
    return this.list(filterOf(query), query.limit);
  }

  latest(filter: EmailFilter = {}): CapturedEmail | undefined {
    return this.#env.inbox.latest(filter);
  }

  get(id: string): CapturedEmail | undefined {
    return this.#env.inbox.get(id);
  }

  /** The email, or NOT_FOUND. */
  require(id: string): CapturedEmail {
    const email = this.get(id);
    if (email === undefined) throw notFound(`email ${quote(id)} not found (deleted, or captured in another environment)`);
    return email;
  }

  /** Deletes every email; returns how many. */
  clear(): number {
    return this.#env.inbox.clear();
  }

  #signal(signal: AbortSignal | undefined): AbortSignal {
    return signal === undefined ? this.#shutdown : AbortSignal.any([signal, this.#shutdown]);
  }

  #unlessClosing<T>(found: T | undefined): T | undefined {
    if (found === undefined && this.#shutdown.aborted) throw shuttingDown();
    return found;
  }

  /** The newest matching email, waiting up to `timeoutMs` (real time) for one; undefined when none came. */
  async waitForLatest(filter: EmailFilter, timeoutMs: number, signal?: AbortSignal): Promise<CapturedEmail | undefined> {
    const inbox = this.#env.inbox;
    return this.#unlessClosing(await inbox.waitFor(() => inbox.latest(filter), timeoutMs, this.#signal(signal)));
  }

  /** `waitForLatest` from the control API's query (`to`, `auth_request_id`, `after`, `wait`); NOT_FOUND when none came. */
  async latestByQuery(input: unknown, signal?: AbortSignal): Promise<CapturedEmail> {
    const query = parseInput(latestEmailQuery, input, "query");
    const filter = filterOf(query);
    const email = await this.waitForLatest(filter, query.wait, signal);
    if (email === undefined) throw notFound(`no email${describeFilter(filter)}${within(query.wait)}`);
    return email;
  }

  /** The newest email whose code or link still works, waiting up to `timeoutMs`; `want` narrows what counts. */
  async waitForUsable(
    filter: EmailFilter,
    timeoutMs: number,
    want?: (found: UsableCredentials) => boolean,
    signal?: AbortSignal,
  ): Promise<UsableCredentials | undefined> {
    return this.#unlessClosing(await waitForUsableCredentials(this.#env, filter, timeoutMs, this.#signal(signal), want));
  }

  /** `waitForUsable` from the control API's query (`email`, `auth_request_id`, `after`, `wait`); NOT_FOUND when none came. */
  async usableByQuery(input: unknown, signal?: AbortSignal): Promise<UsableCredentials> {
    const query = parseInput(otpQuery, input, "query");
    const filter = filterOf({ ...query, to: query.email });
    const found = await this.waitForUsable(filter, query.wait, undefined, signal);
    if (found === undefined) {
      throw notFound(
        `no usable code or link${describeFilter(filter)}${within(query.wait)}` +
          " (emails whose auth request is verified, locked, expired or resent with new credentials are skipped)",
      );
    }
    return found;
  }
}
