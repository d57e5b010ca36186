import { ZodError } from "zod";
import type { FaultRuleInput } from "../schemas/faults.js";
import { parseDuration } from "../domain/duration.js";
import { describeValue } from "../domain/preview.js";
import type { Settings, SettingsInput } from "../domain/settings.js";
import { ControlError } from "../services/control-error.js";
import type { EnvironmentControl, JournalEntry, JournalFilter, Snapshot } from "../services/environment-control.js";
import type { FaultRule } from "../services/fault-control.js";
import type { TemplatePreview, TemplateView } from "../services/template-control.js";
import type { EmailTemplateType, TemplateSource } from "../domain/email-template.js";
import type { CapturedEmail, EmailFilter, UsableCredentials } from "../services/inbox-reads.js";

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

export interface MockTemplates {
  /** Both types, each the environment's own (`custom`) or the packaged one. */
  list(): TemplateView[];
  get(type: EmailTemplateType): TemplateView;
  /** Replaces the template; a syntax error throws, naming the part (subject, html, text), line and column. */
  put(type: EmailTemplateType, template: TemplateSource): TemplateView;
  /** Back to the packaged template; returns it. */
  delete(type: EmailTemplateType): TemplateView;
  /** Renders the stored template, or `template`, with sample credentials and the given variables. */
  preview(type: EmailTemplateType, options?: { template?: TemplateSource; templateVariables?: Record<string, string>; email?: string }): TemplatePreview;
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
  templates: MockTemplates;
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

/**
 * What this API has always thrown for a refused control operation: the
 * refusal's own cause (a ZodError, a RangeError of the clock, a FaultRuleError
 * or EnvironmentError), or a TypeError where there is none.
 */
export function inProcessError(error: unknown): unknown {
  if (!(error instanceof ControlError)) return error;
  return error.cause instanceof Error ? error.cause : new TypeError(error.message);
}

/** Runs a control operation, throwing what the in-process API throws. */
export function direct<T>(operation: () => T): T {
  try {
    return operation();
  } catch (error) {
    throw inProcessError(error);
  }
}

/** Waits, turning a wait that shutdown cut short into the in-process API's message. */
async function waited<T>(wait: Promise<T>, what: string): Promise<T> {
  try {
    return await wait;
  } catch (error) {
    if (error instanceof ControlError && error.code === "UNAVAILABLE") throw closedWhileWaiting(what);
    throw inProcessError(error);
  }
}

/** The in-process API of one environment: a thin caller of its control service. */
export function inProcessEnvironment(control: EnvironmentControl): MockEnvironment {
  const credentials = async (email: string, wait: WaitOptions, want: (found: UsableCredentials) => boolean, what: string) => {
    const filter: EmailFilter = { to: email, ...(wait.after !== undefined && { after: wait.after }) };
    const ms = waitMs(wait.timeout);
    const found = await waited(control.inbox.waitForUsable(filter, ms, want), what);
    if (found === undefined) throw new Error(`no usable ${what} for ${email} within ${ms}ms (emails to this address: ${control.inbox.list({ to: email }).length})`);
    return found;
  };

  return {
    id: control.id,
    clientId: control.clientId,
    clientSecret: control.clientSecret,
    inbox: {
      list: (filter = {}) => control.inbox.list(filter, filter.limit),
      latest: (filter = {}) => control.inbox.latest(filter),
      waitForEmail: async (filter = {}, wait = {}) => {
        const ms = waitMs(wait.timeout);
        const email = await waited(control.inbox.waitForLatest(filter, ms), "email");
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
      clear: () => control.inbox.clear(),
    },
    clock: {
      now: () => new Date(control.now()),
      advance: (by) => {
        const ms = parseDuration(by, "ms");
        if (ms === undefined) throw new TypeError(`advance takes milliseconds or a duration like "5m", got ${describeValue(by)}`);
        return new Date(direct(() => control.applyClock({ advance: ms })).now);
      },
      set: (to) => {
        const ms = toEpochMs(to);
        return new Date(direct(() => control.applyClock({ set: ms })).now);
      },
      freeze: () => new Date(control.applyClock({ freeze: true }).now),
      unfreeze: () => new Date(control.applyClock({ freeze: false }).now),
      reset: () => new Date(control.resetClock().now),
    },
    settings: {
      // Copies: the environment's own are frozen, and a caller may change what it gets.
      get: () => ({ ...control.settings() }),
      update: (patch) => ({ ...direct(() => control.updateSettings(patch)) }),
    },
    faults: {
      add: (rule) => direct(() => control.faults.add(rule)),
      list: () => control.faults.list(),
      remove: (id) => control.faults.remove(id),
      clear: () => control.faults.clear(),
    },
    templates: {
      list: () => control.templates.list(),
      get: (type) => direct(() => control.templates.get(type)),
      put: (type, template) => direct(() => control.templates.put(type, template)),
      delete: (type) => direct(() => control.templates.delete(type)),
      preview: (type, options = {}) =>
        direct(() =>
          control.templates.preview(type, {
            ...(options.template !== undefined && { template: options.template }),
            ...(options.templateVariables !== undefined && { template_variables: options.templateVariables }),
            ...(options.email !== undefined && { email: options.email }),
          }),
        ),
    },
    requests: (filter) => control.requests(filter),
    tokensIssued: () => control.stats().tokensIssued,
    snapshot: () => control.snapshot(),
    restore: (snapshot) => {
      try {
        control.restore(snapshot);
      } catch (error) {
        // The message of the control API's 400, and the zod issues as the cause.
        if (error instanceof ControlError && error.cause instanceof ZodError) {
          throw new TypeError(`${error.message}; nothing was restored`, { cause: error.cause });
        }
        throw inProcessError(error);
      }
    },
    reset: () => control.reset(),
  };
}
