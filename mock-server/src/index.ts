import { parseDuration } from "./domain/duration.js";
import { settingsSchema, type Settings, type SettingsInput } from "./domain/settings.js";
import { randomUrlSafe } from "./domain/random.js";
import { getRequestListener } from "@hono/node-server";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import { passwordlessRoutes } from "./grpc/passwordless-service.js";
import { createHttpApp } from "./http/app.js";
import type { CapturedEmail } from "./mail/email.js";
import type { EmailFilter } from "./mail/inbox.js";
import { loadTemplates } from "./mail/templates.js";
import { packageVersion } from "./package-root.js";
import { SeededRandom } from "./random.js";
import { listen } from "./server.js";
import { findUsableCredentials, type UsableCredentials } from "./services/credential-lookup.js";
import { PasswordlessService } from "./services/passwordless.js";
import { TokenService } from "./services/tokens.js";
import { Environment } from "./state/environment.js";
import { EnvironmentStore } from "./state/environments.js";
import { serverOptionsSchema, type ServerOptionsInput } from "./config.js";

export type { CapturedEmail } from "./mail/email.js";
export type { EmailFilter } from "./mail/inbox.js";
export type { Settings, SettingsInput, PasswordlessType } from "./domain/settings.js";
export type { ServerOptionsInput } from "./config.js";

export interface MockScalekitOptions extends Omit<ServerOptionsInput, "settings"> {
  /** Initial settings of the default environment. */
  settings?: SettingsInput;
}

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

export interface MockScalekit {
  /** The environment URL to give the SDK (`SCALEKIT_ENVIRONMENT_URL`). */
  url: string;
  clientId: string;
  clientSecret: string;
  seed: string;
  inbox: MockInbox;
  clock: MockClockControl;
  settings: MockSettings;
  /** Forget every auth request and email; settings and clock back to the start. */
  reset(): void;
  close(): Promise<void>;
}

const DEFAULT_WAIT_MS = 5_000;

function waitMs(timeout: number | string | undefined): number {
  if (timeout === undefined) return DEFAULT_WAIT_MS;
  const ms = parseDuration(timeout, "ms");
  if (ms === undefined || ms < 0) throw new TypeError(`timeout must be milliseconds or a duration like "5s", got ${JSON.stringify(timeout)}`);
  return ms;
}

function toEpochMs(value: Date | number | string): number {
  const ms = value instanceof Date ? value.getTime() : typeof value === "number" ? value : Date.parse(value);
  if (!Number.isFinite(ms)) throw new TypeError(`expected a Date, epoch ms or ISO 8601 time, got ${JSON.stringify(value)}`);
  return ms;
}

/** Derives the default client secret from the seed, so a seed pins it too. */
export function defaultClientSecret(seed: string): string {
  return `test_${randomUrlSafe(new SeededRandom(seed).stream("client_secret"), 48)}`;
}

/**
 * Starts a mock Scalekit environment on a real port (any free one unless
 * `port` is given) and returns handles to its inbox, clock and settings.
 */
export async function createMockScalekit(options: MockScalekitOptions = {}): Promise<MockScalekit> {
  const config = serverOptionsSchema.parse({ port: 0, ...options });
  const settings = settingsSchema.parse(config.settings);
  const random = new SeededRandom(config.seed);
  const env = new Environment({
    id: "default",
    clientId: config.clientId,
    clientSecret: config.clientSecret ?? defaultClientSecret(config.seed),
    settings,
    random,
  });
  const environments = new EnvironmentStore(env);
  let url = "";
  const tokens = new TokenService(() => url);
  const shutdown = new AbortController();
  const deps = {
    environments,
    passwordless: new PasswordlessService(loadTemplates()),
    tokens,
    version: packageVersion(),
    shutdown: shutdown.signal,
  };
  // gRPC, gRPC-Web and Connect calls of PasswordlessService go to Connect; every other request to the Hono app.
  const honoListener = getRequestListener(createHttpApp(deps).fetch);
  const handler = connectNodeAdapter({
    routes: passwordlessRoutes(deps),
    // Connect's response type narrows a callback parameter that Hono's listener never uses.
    fallback: (request, response) => void honoListener(request, response as Parameters<typeof honoListener>[1]),
  });
  const server = await listen(handler, { host: config.host, port: config.port });
  url = server.url;

  const credentials = async (email: string, wait: WaitOptions, want: (found: UsableCredentials) => boolean, what: string) => {
    const filter: EmailFilter = { to: email, ...(wait.after !== undefined && { after: wait.after }) };
    const ms = waitMs(wait.timeout);
    const found = await env.inbox.waitFor(() => {
      const usable = findUsableCredentials(env, filter);
      return usable !== undefined && want(usable) ? usable : undefined;
    }, ms, shutdown.signal);
    if (found === undefined) throw new Error(`no usable ${what} for ${email} within ${ms}ms (emails to this address: ${env.inbox.list({ to: email }).length})`);
    return found;
  };

  return {
    url,
    clientId: env.clientId,
    clientSecret: env.clientSecret,
    seed: config.seed,
    inbox: {
      list: (filter = {}) => env.inbox.list(filter, filter.limit),
      latest: (filter = {}) => env.inbox.latest(filter),
      waitForEmail: async (filter = {}, wait = {}) => {
        const ms = waitMs(wait.timeout);
        const email = await env.inbox.waitFor(() => env.inbox.latest(filter), ms, shutdown.signal);
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
        if (ms === undefined) throw new TypeError(`advance takes milliseconds or a duration like "5m", got ${JSON.stringify(by)}`);
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
    reset: () => {
      env.reset();
      tokens.forgetIssued(env);
    },
    close: async () => {
      shutdown.abort();
      await server.close();
    },
  };
}
