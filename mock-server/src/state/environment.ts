import { ZodError } from "zod";
import { ClockRangeError, MockClock } from "./clock.js";
import { addressKey, type AuthRequest } from "../domain/auth-request.js";
import { isMockTime } from "../domain/mock-time.js";
import { settingsSchema, type Settings, type SettingsInput } from "../domain/settings.js";
import { FaultRules } from "../faults/rules.js";
import { EnvironmentTemplates } from "../mail/environment-templates.js";
import { Inbox } from "../mail/inbox.js";
import { RateWindow } from "../domain/rate-window.js";
import type { EmailTemplates, TemplateDir } from "../mail/templates.js";
import { SeededRandom } from "../domain/seeded-random.js";
import type { Publish } from "./events.js";
import { Journal } from "./journal.js";

export interface EnvironmentOptions {
  id: string;
  clientId: string;
  clientSecret: string;
  /** Which environment the store created, counting from 0 (see `Environment.generation`). */
  generation: number;
  settings: Settings;
  /** Ids, codes, links and fault draws of this environment derive from it. */
  seed: string;
  wallTime?: () => number;
  /** Where the environment's events go (the server's event bus). */
  publish?: Publish;
  /** Its own email templates at start (`--templates`); the packaged ones otherwise. */
  templates?: TemplateDir;
}

/**
 * Everything one Scalekit environment owns: credentials, settings, clock,
 * auth requests, inbox, fault rules and request journal. Environments never
 * share state.
 */
export class Environment {
  readonly id: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /**
   * Tells this environment apart from an earlier one with the same id or
   * client id (deleted, then created again): access tokens carry it, so a
   * token of the deleted one is refused here. Reset keeps it.
   */
  readonly generation: number;
  readonly createdAt: number;
  readonly clock: MockClock;
  readonly inbox = new Inbox(() => this.#settings.emailLimit);
  /** The calls `rateLimitPerMinute` counts; not in snapshots (a restored environment starts with room). */
  readonly rateWindow = new RateWindow();
  readonly templates: EnvironmentTemplates;
  readonly publish: Publish;
  #seed: string;
  #random: SeededRandom;
  #faults: FaultRules;
  readonly journal: Journal;
  readonly #initialSettings: Settings;
  #settings: Settings;
  readonly #authRequests = new Map<string, AuthRequest>();
  readonly #linkTokens = new Map<string, string>();
  readonly #sendsPerAddress = new Map<string, number>();

  constructor(options: EnvironmentOptions) {
    this.id = options.id;
    this.clientId = options.clientId;
    this.clientSecret = options.clientSecret;
    this.generation = options.generation;
    this.#seed = options.seed;
    this.#random = new SeededRandom(options.seed);
    this.#faults = new FaultRules(this.#random, options.id, () => this.#settings.faultLimit);
    this.clock = new MockClock(options.wallTime);
    this.templates = new EnvironmentTemplates(options.templates === undefined ? {} : { initial: options.templates });
    this.createdAt = this.clock.now();
    // Frozen: emails keep the settings they were composed with (D57), so nothing may change them in place.
    this.#initialSettings = Object.freeze({ ...options.settings });
    this.#settings = this.#initialSettings;
    this.journal = new Journal(options.settings.journalLimit);
    this.publish = options.publish ?? (() => undefined);
    this.inbox.onCapture((email) =>
      this.publish("email.captured", () => ({
        id: email.id,
        seq: email.seq,
        to: email.to,
        subject: email.subject,
        auth_request_id: email.authRequestId,
        kind: email.kind,
      })),
    );
    this.clock.onChange((state) =>
      this.publish("clock.changed", { now: new Date(state.now).toISOString(), offset_ms: state.offsetMs, frozen: state.frozen }),
    );
  }

  get seed(): string {
    return this.#seed;
  }

  get random(): SeededRandom {
    return this.#random;
  }

  get faults(): FaultRules {
    return this.#faults;
  }

  get settings(): Settings {
    return this.#settings;
  }

  /**
   * Applies a partial update; fields left out keep their values. Throws a
   * ZodError when invalid, changing nothing. Lowered retention limits apply at
   * once: the oldest emails, auth requests and journal entries past them go.
   * A `faultLimit` below the rules held is refused instead: dropping rules
   * would change what the next calls do.
   */
  updateSettings(patch: SettingsInput): Settings {
    const next = settingsSchema.parse({ ...this.#settings, ...patch });
    const rules = this.#faults.size;
    if (next.faultLimit < rules) {
      throw new ZodError([
        {
          code: "custom",
          path: ["faultLimit"],
          input: next.faultLimit,
          message: `${next.faultLimit} is below the ${rules} fault rules this environment holds; delete some first (DELETE /faults/{id}), then lower faultLimit`,
        },
      ]);
    }
    this.#settings = Object.freeze(next);
    // Off counts nothing, so what was counted before would be stale when the limit comes back on.
    if (next.rateLimitPerMinute === null) this.rateWindow.clear();
    this.journal.limit = next.journalLimit;
    this.inbox.applyLimit();
    this.#dropOldAuthRequests();
    return next;
  }

  /** Numbers the next send to this address (1-based). */
  nextSendIndex(email: string): number {
    const key = addressKey(email);
    const next = (this.#sendsPerAddress.get(key) ?? 0) + 1;
    this.#sendsPerAddress.set(key, next);
    return next;
  }

  saveAuthRequest(request: AuthRequest): void {
    this.#authRequests.set(request.id, request);
    const token = request.credentials.linkToken;
    if (token !== undefined) this.#linkTokens.set(token, request.id);
    this.#dropOldAuthRequests();
  }

  /** Keeps the newest `authRequestLimit` auth requests; the links of those dropped stop working. */
  #dropOldAuthRequests(): void {
    // Maps keep insertion order: the first keys are the oldest requests.
    for (const [id, old] of this.#authRequests) {
      if (this.#authRequests.size <= this.#settings.authRequestLimit) break;
      this.#authRequests.delete(id);
      for (const oldToken of [old.credentials.linkToken, ...old.retiredLinkTokens]) if (oldToken !== undefined) this.#linkTokens.delete(oldToken);
    }
  }

  authRequest(id: string): AuthRequest | undefined {
    return this.#authRequests.get(id);
  }

  /** The auth request a link token was issued for, current or retired. */
  authRequestByLinkToken(token: string): AuthRequest | undefined {
    const id = this.#linkTokens.get(token);
    return id === undefined ? undefined : this.#authRequests.get(id);
  }

  /** Newest first. */
  authRequests(): AuthRequest[] {
    return [...this.#authRequests.values()].reverse();
  }

  /** Back to the state at start: no requests, mail, faults or journal; initial settings and templates; real time. */
  reset(): void {
    this.templates.reset();
    this.#authRequests.clear();
    this.#linkTokens.clear();
    this.#sendsPerAddress.clear();
    this.inbox.reset();
    this.#faults.clear();
    this.journal.clear();
    this.rateWindow.clear();
    this.#settings = this.#initialSettings;
    this.journal.limit = this.#settings.journalLimit;
    this.clock.reset();
  }

  /** Everything a snapshot holds, as plain data. */
  exportState() {
    const templates = this.templates.export();
    return {
      seed: this.#seed,
      settings: { ...this.#settings },
      // The instant, not the offset: an offset is relative to the wall clock of the exporting process.
      clock: { now: this.clock.now(), frozen: this.clock.state().frozen },
      sendsPerAddress: Object.fromEntries(this.#sendsPerAddress),
      authRequests: [...this.#authRequests.values()],
      inbox: this.inbox.export(),
      faults: this.#faults.list().map((rule) => ({ ...rule.spec, matches: rule.matches, hits: rule.hits })),
      ...(templates !== undefined && { templates }),
    };
  }

  /**
   * Replaces this environment's state with an export (validated by the caller:
   * snapshotSchema). What can still refuse it is built before the old state
   * is touched, so a refused import changes nothing.
   */
  importState(state: ReturnType<Environment["exportState"]>, templates: EmailTemplates): void {
    if (!isMockTime(state.clock.now)) throw new ClockRangeError("set", state.clock.now);
    const random = new SeededRandom(state.seed);
    const faults = new FaultRules(random, this.id, () => this.#settings.faultLimit);
    faults.restore(state.faults, state.settings.faultLimit);
    this.reset();
    this.#seed = state.seed;
    this.#random = random;
    this.#faults = faults;
    this.#settings = Object.freeze({ ...state.settings });
    this.journal.limit = state.settings.journalLimit;
    for (const [address, count] of Object.entries(state.sendsPerAddress)) this.#sendsPerAddress.set(address, count);
    // Restored into another environment, the records are this one's now (and its next export says so).
    const own = <T extends { environmentId: string }>(record: T): T => (record.environmentId === this.id ? record : { ...record, environmentId: this.id });
    for (const request of state.authRequests.map(own)) {
      this.saveAuthRequest(request);
      for (const token of request.retiredLinkTokens) this.#linkTokens.set(token, request.id);
    }
    this.clock.apply({ set: state.clock.now, freeze: state.clock.frozen });
    this.inbox.import({ emails: state.inbox.emails.map(own), nextSeq: state.inbox.nextSeq });
    this.templates.replace(templates);
  }
}
