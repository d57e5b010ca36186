import { expect } from "vitest";
import { inboxViolations } from "../support/invariants.js";
import { DEFAULT_SETTINGS, ERRORS, applySettings, describeStatus, magicLink, newEnvState, type EnvState, type ErrorCode, type ModelSettings, type Predicted } from "./reference.js";
import type { Answer, System } from "./system.js";

/**
 * The test's side of a model run: the reference state of every environment
 * (live or deleted) plus what the test holds from outside: credentials,
 * access tokens, the codes and links read from inboxes, saved snapshots.
 */

export interface ModelEnv {
  /** Unique within a run; a re-created environment gets a new key. */
  key: string;
  serverId: string;
  clientId: string;
  clientSecret: string;
  alive: boolean;
  /** The settings it was created with: what a reset goes back to. */
  initialSettings: ModelSettings;
  state: EnvState;
  /** The access token in use; `nbf`/`exp` in epoch seconds on the environment's clock. */
  token?: { value: string; nbf: number; exp: number };
  /** Ids of the emails this environment holds or captured since its last snapshot import. */
  captured: Set<string>;
  /** Bumped by a snapshot import, which may turn verified requests back to pending. */
  epoch: number;
}

/** Every auth request the run has seen, with every code and link token issued for it. */
export interface PoolEntry {
  envKey: string;
  id: string;
  codes: string[];
  linkTokens: string[];
}

export const MAX_LIVE = 4;

export class World {
  readonly envs: ModelEnv[] = [];
  readonly pool: PoolEntry[] = [];
  /** Tokens of deleted environments, with the client id they were issued to. */
  readonly deadTokens: Array<{ value: string; clientId: string }> = [];
  readonly snapshots: Array<{ from: string; json: unknown; state: EnvState }> = [];
  /** `env key/epoch/auth request id` of each successful verify. */
  readonly verified = new Set<string>();
  readonly stats = { commands: 0, checks: 0, deadTokenProbes: 0, recreatedClientProbes: 0 };
  #serial = 0;

  constructor(readonly run: number) {}

  live(): ModelEnv[] {
    return this.envs.filter((e) => e.alive);
  }

  pickLive(n: number): ModelEnv {
    const live = this.live();
    return live[n % live.length]!;
  }

  /** Creates an environment on the mock, or re-creates a deleted one under the same id and client id; freezes its clock. */
  async createEnv(sys: System, settings: Record<string, unknown> = {}, reuse?: ModelEnv): Promise<ModelEnv> {
    const serial = ++this.#serial;
    const serverId = reuse?.serverId ?? `mr${this.run}e${serial}`;
    const clientId = reuse?.clientId ?? `skc_mr${this.run}e${serial}`;
    const created = await sys.control("POST", "/environments", { id: serverId, client_id: clientId, seed: `model-e${serial}`, settings });
    const expected = applySettings(DEFAULT_SETTINGS, settings);
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({ id: serverId, client_id: clientId, environment_url: sys.url, settings: expected });
    const clock = await sys.env(serverId, "POST", "/clock", { freeze: true });
    expect(clock.body.frozen).toBe(true);
    const env: ModelEnv = {
      key: `e${serial}`,
      serverId,
      clientId,
      clientSecret: created.body.client_secret,
      alive: true,
      initialSettings: expected!,
      state: newEnvState(expected!, clock.body.epoch_ms),
      captured: new Set(),
      epoch: 0,
    };
    this.envs.push(env);
    return env;
  }

  /** Deletes an environment on the mock; the test keeps its last token, which must never work again. */
  async deleteEnv(sys: System, env: ModelEnv): Promise<void> {
    const answer = await sys.control("DELETE", `/environments/${env.serverId}`);
    expect([answer.status, answer.body], `deleting ${env.key}`).toEqual([200, { deleted: env.serverId }]);
    env.alive = false;
    if (env.token !== undefined) this.deadTokens.push({ value: env.token.value, clientId: env.clientId });
  }

  /** Deletes every live environment of the run (the mock outlives runs). */
  async teardown(sys: System): Promise<void> {
    for (const env of this.live()) await sys.control("DELETE", `/environments/${env.serverId}`);
  }
}

export async function freshToken(sys: System, env: ModelEnv): Promise<string> {
  const value = await sys.token(env.clientId, env.clientSecret);
  const nbf = Math.floor(env.state.now / 1000);
  env.token = { value, nbf, exp: nbf + env.state.settings.tokenTtl };
  return value;
}

/**
 * Runs a Scalekit call with the environment's token. A token the model says
 * has expired must be refused with TOKEN_EXPIRED first; then, as an app
 * would, the test fetches a new one. (A clock moved back before a token's
 * `nbf` also gets a new token, without asserting how the old one fares.)
 */
export async function authorized(world: World, sys: System, env: ModelEnv, call: (token: string) => Promise<Answer>): Promise<Answer> {
  const token = env.token;
  if (token === undefined || token.nbf > Math.floor(env.state.now / 1000)) return call(await freshToken(sys, env));
  if (env.state.now >= token.exp * 1000) {
    expectAnswer(await call(token.value), { ok: false, error: "TOKEN_EXPIRED" }, "a call with an expired access token");
    return call(await freshToken(sys, env));
  }
  return call(token.value);
}

/** How often each predicted outcome was checked, over all runs: what the random sequences reached. */
export const outcomes = new Map<string, number>();

/** The answer must be the predicted one: same fields, or same gRPC code, error code and (REST) HTTP status. */
export function expectAnswer(actual: Answer, predicted: Predicted<object>, what: string, extra: Record<string, unknown> = {}): void {
  const outcome = predicted.ok ? "ok" : predicted.error;
  outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
  if (predicted.ok) {
    expect(actual, what).toEqual({ ok: true, value: { ...predicted.value, ...extra } });
    return;
  }
  const error: ErrorCode = predicted.error;
  expect(actual, what).toEqual({ ok: false, grpc: ERRORS[error].grpc, errorCode: error, ...("http" in actual && { http: ERRORS[error].http }) });
}

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * After every command: each live environment's inbox and auth requests, as
 * the control API lists them, are exactly the model's, and the inbox
 * invariants hold.
 */
export async function checkEnvironments(world: World, sys: System): Promise<void> {
  for (const env of world.live()) {
    world.stats.checks++;
    const [emails, requests] = await Promise.all([sys.env(env.serverId, "GET", "/emails?limit=1000"), sys.env(env.serverId, "GET", "/auth-requests")]);
    expect(emails.status).toBe(200);
    expect(requests.status).toBe(200);
    const s = env.state;
    const serverRequestIds = new Set<string>(requests.body.auth_requests.map((r: any) => r.auth_request_id));
    expect(inboxViolations(env.serverId, emails.body.emails, serverRequestIds), `inbox invariants of ${env.key}`).toEqual([]);
    expect(
      emails.body.emails.map((e: any) => ({ ...e, from: undefined, subject: undefined })),
      `inbox of ${env.key} (${env.serverId})`,
    ).toEqual(
      [...s.emails].reverse().map((e) => ({
        id: e.id,
        seq: e.seq,
        auth_request_id: e.authRequestId,
        kind: e.kind,
        from: undefined,
        to: e.to,
        subject: undefined,
        date: iso(e.date),
        template: e.template,
        ...(e.otp !== undefined && { otp: e.otp }),
        ...(e.link !== undefined && { link: e.link }),
        ...(e.linkToken !== undefined && { link_token: e.linkToken }),
        expires_at: iso(e.expiresAt),
      })),
    );
    expect(
      requests.body.auth_requests.map((r: any) => ({ ...r, created_at: undefined, verified_at: undefined, template_variables: undefined })),
      `auth requests of ${env.key} (${env.serverId})`,
    ).toEqual(
      [...s.requests.values()].reverse().map((r) => ({
        auth_request_id: r.id,
        email: r.email,
        status: describeStatus(s, r),
        passwordless_type: r.type,
        template: r.template,
        ...(r.state !== undefined && { state: r.state }),
        ...(r.uri !== undefined && { magiclink_auth_uri: r.uri }),
        template_variables: undefined,
        expires_in: r.expiresIn,
        created_at: undefined,
        expires_at: iso(r.expiresAt),
        verified_at: undefined,
        attempts: r.attempts,
        max_attempts: r.maxAttempts,
        resends: r.resends,
        credentials: {
          generation: r.generation,
          ...(r.code !== undefined && { code: r.code }),
          ...(r.linkToken !== undefined && { link_token: r.linkToken }),
          ...(r.linkToken !== undefined && r.uri !== undefined && { link: magicLink(r.uri, r.linkToken) }),
        },
        retired_link_tokens: r.retired,
      })),
    );
  }
}
