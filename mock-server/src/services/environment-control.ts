import { ZodError } from "zod";
import { authRequestsQuery, clockChange, requestsQuery } from "../schemas/control.js";
import { snapshotSchema } from "../schemas/snapshot.js";
import type { AuthRequest } from "../domain/auth-request.js";
import { quote } from "../domain/preview.js";
import type { Settings, SettingsInput } from "../domain/settings.js";
import { ClockRangeError, type ClockChange, type ClockState } from "../state/clock.js";
import type { Environment } from "../state/environment.js";
import type { EventBus, MockEvent } from "../state/events.js";
import type { JournalEntry, JournalFilter } from "../state/journal.js";
import { ControlError, invalidInput, notFound, parseInput } from "./control-error.js";
import { restoreSnapshot, snapshotDocument, type RestoreSummary, type Snapshot } from "./environment-snapshot.js";
import { FaultControl } from "./fault-control.js";
import { InboxReads } from "./inbox-reads.js";
import { TemplateControl } from "./template-control.js";
import type { TokenService } from "./tokens.js";

export type { AuthRequest, ClockChange, ClockState, JournalEntry, JournalFilter, MockEvent, RestoreSummary, Settings, Snapshot };

/** What the control service needs besides the environment. */
export interface ControlDeps {
  /** Counts and forgets the access tokens an environment issued (reset and restore forget them). */
  tokens: Pick<TokenService, "issuedCount" | "forgetIssued">;
  events: EventBus;
  /** Aborted when the server shuts down: every wait ends at once. */
  shutdown: AbortSignal;
}

export interface EnvironmentStats {
  environmentId: string;
  authRequests: number;
  emails: number;
  tokensIssued: number;
}

/**
 * Every control operation on one environment, for the control API, the web
 * inbox and the in-process API alike. Input from outside is validated here,
 * once, with the schemas in `schemas/`; a refusal is a ControlError and
 * leaves the environment as it was.
 */
export class EnvironmentControl {
  readonly inbox: InboxReads;
  readonly faults: FaultControl;
  readonly templates: TemplateControl;
  readonly #env: Environment;
  readonly #deps: ControlDeps;

  constructor(env: Environment, deps: ControlDeps) {
    this.#env = env;
    this.#deps = deps;
    this.inbox = new InboxReads(env, deps.shutdown);
    this.faults = new FaultControl(env);
    this.templates = new TemplateControl(env);
  }

  get id(): string {
    return this.#env.id;
  }

  get clientId(): string {
    return this.#env.clientId;
  }

  get clientSecret(): string {
    return this.#env.clientSecret;
  }

  /** Epoch ms on the environment's clock when it was made. */
  get createdAt(): number {
    return this.#env.createdAt;
  }

  stats(): EnvironmentStats {
    return {
      environmentId: this.#env.id,
      authRequests: this.#env.authRequests().length,
      emails: this.#env.inbox.size,
      tokensIssued: this.#deps.tokens.issuedCount(this.#env),
    };
  }

  /** Back to the start: no auth requests, mail, faults, journal or tokens; initial settings; real time. */
  reset(): void {
    this.#env.reset();
    this.#deps.tokens.forgetIssued(this.#env);
  }

  // Clock

  clock(): ClockState {
    return this.#env.clock.state();
  }

  /** The mock clock's time, epoch ms. */
  now(): number {
    return this.#env.clock.now();
  }

  /** Applies a change already in clock terms (ms); refused whole when it leaves the mock time range. */
  applyClock(change: ClockChange): ClockState {
    try {
      return this.#env.clock.apply(change);
    } catch (error) {
      if (error instanceof ClockRangeError) {
        throw new ControlError(400, "INVALID_ARGUMENT", `invalid clock change: ${error.message}`, [{ field: error.field, message: error.message }], { cause: error });
      }
      throw error;
    }
  }

  /** A clock change as the control API takes it (`{advance}`, `{set}`, `{freeze}`). */
  changeClock(input: unknown): ClockState {
    return this.applyClock(parseInput(clockChange, input, "clock change"));
  }

  /** Back to real time. */
  resetClock(): ClockState {
    return this.#env.clock.reset();
  }

  // Settings

  settings(): Settings {
    return this.#env.settings;
  }

  /** Changes the fields given; the others keep their values. Refused whole when any is invalid. */
  updateSettings(patch: unknown): Settings {
    if (typeof patch !== "object" || patch === null || Array.isArray(patch)) {
      throw new ControlError(400, "INVALID_ARGUMENT", "settings must be a JSON object of the fields to change");
    }
    try {
      return this.#env.updateSettings(patch as SettingsInput);
    } catch (error) {
      if (error instanceof ZodError) throw invalidInput("settings", error);
      throw error;
    }
  }

  // Journal

  /** Scalekit calls, newest first. */
  requests(filter: JournalFilter = {}): JournalEntry[] {
    return this.#env.journal.list(filter);
  }

  /** `requests` from the control API's query (`operation`, `transport`, `status`, `since`, `limit`). */
  requestsByQuery(input: unknown): JournalEntry[] {
    const query = parseInput(requestsQuery, input, "query");
    return this.requests({
      ...(query.operation !== undefined && { operation: query.operation }),
      ...(query.transport !== undefined && { transport: query.transport }),
      ...(query.status !== undefined && { status: query.status }),
      ...(query.since !== undefined && { since: query.since }),
      ...(query.limit !== undefined && { limit: query.limit }),
    });
  }

  /** Empties the journal; returns how many entries went. */
  clearRequests(): number {
    return this.#env.journal.clear();
  }

  // Auth requests

  /** Newest first; `email` keeps those sent to that address (any case). */
  authRequests(input: unknown = {}): AuthRequest[] {
    const email = parseInput(authRequestsQuery, input, "query").email?.toLowerCase();
    const all = this.#env.authRequests();
    return email === undefined ? all : all.filter((r) => r.email.toLowerCase() === email);
  }

  /** One auth request, or NOT_FOUND. */
  authRequest(id: string): AuthRequest {
    const request = this.#env.authRequest(id);
    if (request === undefined) throw notFound(`auth request ${quote(id)} not found in environment "${this.#env.id}"`);
    return request;
  }

  // Snapshot

  /** The snapshot as written: what `GET /snapshot` answers. */
  snapshotDocument(): ReturnType<typeof snapshotDocument> {
    return snapshotDocument(this.#env);
  }

  /** The snapshot read back through its schema, typed. */
  snapshot(): Snapshot {
    return snapshotSchema.parse(snapshotDocument(this.#env));
  }

  /** Replaces the state with a snapshot; tokens issued before no longer count. */
  restore(input: unknown): RestoreSummary {
    const summary = restoreSnapshot(this.#env, input);
    this.#deps.tokens.forgetIssued(this.#env);
    return summary;
  }

  // Events

  /** Follows this environment's events; returns the function that stops. */
  subscribe(listener: (event: MockEvent) => void): () => void {
    return this.#deps.events.subscribe((event) => {
      if (event.environmentId === this.#env.id) listener(event);
    });
  }
}
