import type { FaultRuleInput } from "../schemas/faults.js";
import { faultRuleInput } from "../schemas/faults.js";
import { snapshotSchema, SNAPSHOT_FORMAT, SNAPSHOT_VERSION, type Snapshot } from "../schemas/snapshot.js";
import { parseDuration } from "../domain/duration.js";
import { describeValue } from "../domain/preview.js";
import type { Settings, SettingsInput } from "../domain/settings.js";
import type { FaultRule } from "../faults/rules.js";
import { invalidInput } from "../http/errors.js";
import type { CapturedEmail } from "../mail/email.js";
import type { EmailFilter } from "../mail/inbox.js";
import { waitForUsableCredentials, type UsableCredentials } from "../services/credential-lookup.js";
import type { TokenService } from "../services/tokens.js";
import type { Environment } from "../state/environment.js";
import type { JournalEntry, JournalFilter } from "../state/journal.js";

export interface WaitOptions {
  /** How long to wait, as ms or a duration like "5s". Default 5s. */
  timeout?: number | string;
  /** Only emails captured after this `seq`. */
  after?: number;
}

export interface OtpResult {
  code: string;
  authRequestId: string;
  /** Epoch ms on the mock clock. */
  expiresAt: number;
  email: CapturedEmail;
}

export interface LinkResult {
  link: string;
  linkToken: string;
  authRequestId: string;
  expiresAt: number;
  email: CapturedEmail;
}

export interface MockInbox {
  /** Newest first. */
  list(filter?: EmailFilter & { limit?: number }): CapturedEmail[];
  latest(filter?: EmailFilter): CapturedEmail | undefined;
  /** Resolves with the newest matching email, waiting for one if none is there yet. */
  waitForEmail(filter?: EmailFilter, options?: Pick<WaitOptions, "timeout">): Promise<CapturedEmail>;
  /** The newest code sent to `email` that still works. */
  waitForOtp(email: string, options?: WaitOptions): Promise<OtpResult>;
  /** The newest magic link sent to `email` that still works. */
  waitForLink(email: string, options?: WaitOptions): Promise<LinkResult>;
  clear(): number;
}

export interface MockClockControl {
  now(): Date;
  advance(by: number | string): Date;
  set(to: Date | number | string): Date;
  freeze(): Date;
  unfreeze(): Date;
  /** Back to real time. */
  reset(): Date;
}

export interface MockSettings {
  get(): Settings;
  update(patch: SettingsInput): Settings;
}

export interface MockFaults {
  /** Adds a rule (validated as `POST /_mock/v1/faults` does); returns it with its id. */
  add(rule: FaultRuleInput): FaultRule;
  list(): FaultRule[];
  remove(id: string): boolean;
  clear(): number;
}

/** One environment as seen from the test's process. */
export interface MockEnvironment {
  id: string;
  clientId: string;
  clientSecret: string;
  inbox: MockInbox;
  clock: MockClockControl;
  settings: MockSettings;
  faults: MockFaults;
  /** The journal of Scalekit calls, newest first. */
  requests(filter?: JournalFilter): JournalEntry[];
  /** How many access tokens this environment has issued since start or reset. */
  tokensIssued(): number;
  snapshot(): Snapshot;
  restore(snapshot: unknown): void;
  /** Forget auth requests, mail, faults and journal; settings and clock back to the start. */
  reset(): void;
}

const DEFAULT_WAIT_MS = 5_000;

function waitMs(timeout: number | string | undefined): number {
  if (timeout === undefined) return DEFAULT_WAIT_MS;
  const ms = parseDuration(timeout, "ms");
  if (ms === undefined || ms < 0) throw new TypeError(`timeout must be milliseconds or a duration like "5s", got ${describeValue(timeout)}`);
  return ms;
}

function toEpochMs(value: Date | number | string): number {
  const ms = value instanceof Date ? value.getTime() : typeof value === "number" ? value : Date.parse(value);
  if (!Number.isFinite(ms)) throw new TypeError(`expected a Date, epoch ms or ISO 8601 time, got ${describeValue(value)}`);
  return ms;
}

const closedWhileWaiting = (what: string) => new Error(`scalekit-mock was closed before the awaited ${what} arrived; close it only once the test is done`);

/** The in-process API of one environment. */
export function environmentHandle(env: Environment, tokens: TokenService, shutdown: AbortSignal): MockEnvironment {
  const credentials = async (email: string, wait: WaitOptions, want: (found: UsableCredentials) => boolean, what: string) => {
    const filter: EmailFilter = { to: email, ...(wait.after !== undefined && { after: wait.after }) };
    const ms = waitMs(wait.timeout);
    const found = await waitForUsableCredentials(env, filter, ms, shutdown, want);
    if (found === undefined && shutdown.aborted) throw closedWhileWaiting(what);
    if (found === undefined) throw new Error(`no usable ${what} for ${email} within ${ms}ms (emails to this address: ${env.inbox.list({ to: email }).length})`);
    return found;
  };

  return {
    id: env.id,
    clientId: env.clientId,
    clientSecret: env.clientSecret,
    inbox: {
      list: (filter = {}) => env.inbox.list(filter, filter.limit),
      latest: (filter = {}) => env.inbox.latest(filter),
      waitForEmail: async (filter = {}, wait = {}) => {
        const ms = waitMs(wait.timeout);
        const email = await env.inbox.waitFor(() => env.inbox.latest(filter), ms, shutdown);
        if (email === undefined && shutdown.aborted) throw closedWhileWaiting("email");
        if (email === undefined) throw new Error(`no email matching ${JSON.stringify(filter)} within ${ms}ms`);
        return email;
      },
      waitForOtp: async (email, wait = {}) => {
        const { email: mail, request } = await credentials(email, wait, (f) => f.email.otp !== undefined, "OTP code");
        return { code: mail.otp!, authRequestId: request.id, expiresAt: request.expiresAt, email: mail };
      },
      waitForLink: async (email, wait = {}) => {
        const { email: mail, request } = await credentials(email, wait, (f) => f.email.link !== undefined, "magic link");
        return { link: mail.link!, linkToken: mail.linkToken!, authRequestId: request.id, expiresAt: request.expiresAt, email: mail };
      },
      clear: () => env.inbox.clear(),
    },
    clock: {
      now: () => new Date(env.clock.now()),
      advance: (by) => {
        const ms = parseDuration(by, "ms");
        if (ms === undefined) throw new TypeError(`advance takes milliseconds or a duration like "5m", got ${describeValue(by)}`);
        return new Date(env.clock.advance(ms).now);
      },
      set: (to) => new Date(env.clock.set(toEpochMs(to)).now),
      freeze: () => new Date(env.clock.freeze().now),
      unfreeze: () => new Date(env.clock.unfreeze().now),
      reset: () => new Date(env.clock.reset().now),
    },
    settings: {
      get: () => env.settings,
      update: (patch) => env.updateSettings(patch),
    },
    faults: {
      add: (rule) => env.faults.add(faultRuleInput.parse(rule)),
      list: () => env.faults.list(),
      remove: (id) => env.faults.remove(id),
      clear: () => env.faults.clear(),
    },
    requests: (filter) => env.journal.list(filter),
    tokensIssued: () => tokens.issuedCount(env),
    snapshot: () =>
      snapshotSchema.parse({
        format: SNAPSHOT_FORMAT,
        version: SNAPSHOT_VERSION,
        environmentId: env.id,
        takenAt: new Date(env.clock.now()).toISOString(),
        state: env.exportState(),
      }),
    restore: (snapshot) => {
      const parsed = snapshotSchema.safeParse(snapshot);
      if (!parsed.success) throw new TypeError(`${invalidInput("snapshot", parsed.error).message}; nothing was restored`, { cause: parsed.error });
      env.importState(parsed.data.state);
      tokens.forgetIssued(env);
    },
    reset: () => {
      env.reset();
      tokens.forgetIssued(env);
    },
  };
}
