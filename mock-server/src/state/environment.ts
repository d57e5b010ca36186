import { MockClock } from "../clock.js";
import { addressKey, type AuthRequest } from "../domain/auth-request.js";
import type { RandomSource } from "../domain/random.js";
import { settingsSchema, type Settings, type SettingsInput } from "../domain/settings.js";
import { Inbox } from "../mail/inbox.js";

export interface EnvironmentOptions {
  id: string;
  clientId: string;
  clientSecret: string;
  settings: Settings;
  random: RandomSource;
  wallTime?: () => number;
}

/**
 * Everything one Scalekit environment owns: credentials, settings, clock,
 * auth requests and inbox. Environments never share state.
 */
export class Environment {
  readonly id: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly random: RandomSource;
  readonly clock: MockClock;
  readonly inbox = new Inbox();
  readonly #initialSettings: Settings;
  #settings: Settings;
  readonly #authRequests = new Map<string, AuthRequest>();
  readonly #linkTokens = new Map<string, string>();
  readonly #sendsPerAddress = new Map<string, number>();

  constructor(options: EnvironmentOptions) {
    this.id = options.id;
    this.clientId = options.clientId;
    this.clientSecret = options.clientSecret;
    this.random = options.random;
    this.clock = new MockClock(options.wallTime);
    this.#initialSettings = options.settings;
    this.#settings = options.settings;
  }

  get settings(): Settings {
    return this.#settings;
  }

  /** Applies a partial update; fields left out keep their values. Throws a ZodError when invalid. */
  updateSettings(patch: SettingsInput): Settings {
    this.#settings = settingsSchema.parse({ ...this.#settings, ...patch });
    return this.#settings;
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

  /** Back to the state at start: no requests, no mail, initial settings, real time. */
  reset(): void {
    this.#authRequests.clear();
    this.#linkTokens.clear();
    this.#sendsPerAddress.clear();
    this.inbox.reset();
    this.#settings = this.#initialSettings;
    this.clock.reset();
  }
}
