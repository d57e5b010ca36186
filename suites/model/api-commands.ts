import type fc from "fast-check";
import { expect } from "vitest";
import {
  ERRORS,
  deliver,
  learn,
  magicLink,
  openRequest,
  predictResend,
  predictSend,
  predictVerify,
  type ExpectedEmail,
  type ModelRequest,
  type SendInput,
} from "./reference.js";
import type { System, Transport, VerifyFields } from "./system.js";
import { authorized, expectAnswer, type ModelEnv, type World } from "./world.js";

/** Commands that call the Scalekit API (REST or gRPC) and read the inbox. */

type Command = fc.AsyncCommand<World, System>;
const iso = (ms: number) => new Date(ms).toISOString();

/**
 * Reads the one email a send or resend should have captured, checks it
 * against the model and learns its credentials. When a `mail: "drop"` rule
 * is pending, no email may come; the credentials are read from the auth
 * request instead.
 */
async function receive(w: World, sys: System, env: ModelEnv, x: ExpectedEmail, what: string): Promise<void> {
  const { body } = await sys.env(env.serverId, "GET", `/emails?after=${x.seq - 1}`);
  if (env.state.pendingMailDrops > 0) {
    env.state.pendingMailDrops--;
    expect(body.emails, `no email in ${env.key} after ${what}: a mail-drop rule was waiting for it`).toEqual([]);
    const { body: request } = await sys.env(env.serverId, "GET", `/auth-requests/${encodeURIComponent(x.authRequestId)}`);
    const seen = { ...(request.credentials.code !== undefined && { otp: request.credentials.code }), ...(request.credentials.link_token !== undefined && { link_token: request.credentials.link_token }) };
    checkCredentials(x, seen, `the credentials of ${what} (email dropped)`);
    remember(w, env, x, learn(env.state, x, seen));
    return;
  }
  expect(body.emails, `exactly one new email in ${env.key} after ${what}`).toHaveLength(1);
  const e = body.emails[0];
  expect(e, `the email of ${what}`).toMatchObject({
    seq: x.seq,
    auth_request_id: x.authRequestId,
    kind: x.kind,
    to: x.to,
    template: x.template,
    date: iso(x.date),
    expires_at: iso(x.expiresAt),
  });
  checkCredentials(x, e, `the email of ${what}`);
  if (x.linkToken !== undefined) expect(e.link, `the magic link of ${what}`).toBe(magicLink(x.uri!, e.link_token));
  else expect(e.link, `no magic link in the email of ${what}`).toBeUndefined();
  expect(env.captured.has(e.id), `email ${e.id} captured once in ${env.key}`).toBe(false);
  env.captured.add(e.id);
  deliver(env.state, x, e);
  remember(w, env, x, env.state.requests.get(x.authRequestId)!);
}

/** Fresh credentials are new (a code of the right length, a link token never issued before); others are the ones issued before. */
function checkCredentials(x: ExpectedEmail, seen: { otp?: string; link_token?: string }, what: string): void {
  if (x.code === undefined) expect(seen.otp, `no code in ${what}`).toBeUndefined();
  else if (x.code.fresh) {
    const alphabet = x.code.charset === "NUMERIC" ? "0-9" : "A-Z0-9";
    expect(seen.otp, `a new ${x.code.length}-character ${x.code.charset} code in ${what}`).toMatch(new RegExp(`^[${alphabet}]{${x.code.length}}$`));
  }
  else expect(seen.otp, `the same code again in ${what}`).toBe(x.code.value);
  if (x.linkToken === undefined) expect(seen.link_token, `no link token in ${what}`).toBeUndefined();
  else if (!x.linkToken.fresh) expect(seen.link_token, `the same link token again in ${what}`).toBe(x.linkToken.value);
  else {
    expect(seen.link_token, `a new link token in ${what}`).toEqual(expect.any(String));
    expect(x.linkToken.retired, `a link token is never issued twice (${what})`).not.toContain(seen.link_token);
  }
}

/** Adds the request's current credentials to the run's pool, for later verifies (also from other environments). */
function remember(w: World, env: ModelEnv, x: ExpectedEmail, r: ModelRequest): void {
  let entry = w.pool.find((p) => p.envKey === env.key && p.id === x.authRequestId);
  if (entry === undefined) w.pool.push((entry = { envKey: env.key, id: x.authRequestId, codes: [], linkTokens: [] }));
  if (r.code !== undefined && entry.codes.at(-1) !== r.code) entry.codes.push(r.code);
  if (r.linkToken !== undefined && entry.linkTokens.at(-1) !== r.linkToken) entry.linkTokens.push(r.linkToken);
}

export class Send implements Command {
  constructor(
    readonly envPick: number,
    readonly input: SendInput,
    readonly transport: Transport,
  ) {}
  check = () => true;
  async run(w: World, sys: System): Promise<void> {
    const env = w.pickLive(this.envPick);
    const what = `${this} in ${env.key}`;
    const predicted = predictSend(env.state, this.input);
    const answer = await authorized(w, sys, env, (token) => sys.send(this.transport, token, this.input));
    if (!predicted.ok || !answer.ok) return expectAnswer(answer, predicted, what);
    const id = answer.value.auth_request_id as string;
    expect(env.state.requests.has(id), `${what}: a new auth request id, not ${id} again`).toBe(false);
    expectAnswer(answer, predicted, what, { auth_request_id: id });
    await receive(w, sys, env, openRequest(env.state, this.input, id), what);
  }
  toString = () => `send(env#${this.envPick}, ${JSON.stringify(this.input)}, ${this.transport})`;
}

/** An auth request to act on: one of the environment's own (newest first), or any the run has seen (another environment's, a deleted one's). */
export interface Target {
  own: boolean;
  pick: number;
}

export function resolve(w: World, env: ModelEnv, target: Target): { id: string; codes: string[]; links: string[] } {
  const own = [...env.state.requests.values()].reverse();
  const id = target.own && own.length > 0 ? own[target.pick % own.length]!.id : w.pool[target.pick % Math.max(1, w.pool.length)]?.id;
  if (id === undefined) return { id: "no-such-auth-request", codes: [], links: [] };
  // Codes and links issued for this id anywhere (a snapshot copies requests), oldest first.
  const entries = w.pool.filter((p) => p.id === id);
  return { id, codes: entries.flatMap((p) => p.codes), links: entries.flatMap((p) => p.linkTokens) };
}

export class Resend implements Command {
  constructor(
    readonly envPick: number,
    readonly target: Target,
    readonly transport: Transport,
  ) {}
  /** Once the run has seen an auth request: before, every call would only meet AUTH_REQUEST_NOT_FOUND. */
  check = (w: Readonly<World>) => w.pool.length > 0;
  async run(w: World, sys: System): Promise<void> {
    const env = w.pickLive(this.envPick);
    const { id } = resolve(w, env, this.target);
    const what = `${this} in ${env.key} of ${id}`;
    const predicted = predictResend(env.state, id);
    const answer = await authorized(w, sys, env, (token) => sys.resend(this.transport, token, id));
    expectAnswer(answer, predicted, what, predicted.ok ? { auth_request_id: id } : {});
    if (predicted.ok) await receive(w, sys, env, predicted.email!, what);
  }
  toString = () => `resend(env#${this.envPick}, ${JSON.stringify(this.target)}, ${this.transport})`;
}

export type CredentialChoice = "current" | "stale" | "wrong";
export type IdChoice = "none" | "own" | "other";

/** A code of the same length that is not `code` (the last digit moved on). */
/** The code with its last digit or letter moved on (9 → 0, Z → A): wrong, of the same length and alphabet. */
const wrongCode = (code: string | undefined) =>
  (code ?? "123456").replace(/[0-9A-Z]$/, (c) => (/\d/.test(c) ? String((Number(c) + 1) % 10) : c === "Z" ? "A" : String.fromCharCode(c.charCodeAt(0) + 1)));

export class Verify implements Command {
  constructor(
    readonly envPick: number,
    readonly target: Target,
    readonly credential: "code" | "link",
    readonly choice: CredentialChoice,
    readonly idChoice: IdChoice,
    readonly transport: Transport,
  ) {}
  /** Once the run has seen an auth request: before, every call would only meet AUTH_REQUEST_NOT_FOUND. */
  check = (w: Readonly<World>) => w.pool.length > 0;
  async run(w: World, sys: System): Promise<void> {
    const env = w.pickLive(this.envPick);
    const { id, codes, links } = resolve(w, env, this.target);
    const issued = this.credential === "code" ? codes : links;
    const current = issued.at(-1);
    const value =
      this.choice === "current" ? current : this.choice === "stale" ? (issued.at(-2) ?? current) : this.credential === "code" ? wrongCode(current) : undefined;
    const fallback = this.credential === "code" ? "123456" : `00000000-0000-4000-8000-${String(this.target.pick).padStart(12, "0")}_l`;
    // A code always goes with an auth_request_id (a field rule); "none" means the request's own then.
    const idChoice = this.credential === "code" && this.idChoice === "none" ? "own" : this.idChoice;
    const otherId = w.pool.find((p) => p.id !== id)?.id ?? "no-such-auth-request";
    const input: VerifyFields = {
      ...(this.credential === "code" ? { code: value ?? fallback } : { linkToken: value ?? fallback }),
      ...(idChoice !== "none" && { authRequestId: idChoice === "own" ? id : otherId }),
    };
    const what = `${this} in ${env.key}: ${JSON.stringify(input)}`;
    const predicted = predictVerify(env.state, input);
    const answer = await authorized(w, sys, env, (token) => sys.verify(this.transport, token, input));
    expectAnswer(answer, predicted, what);
    if (predicted.ok) {
      const verifiedId = input.code !== undefined ? input.authRequestId! : [...env.state.requests.values()].find((r) => r.linkToken === input.linkToken)!.id;
      const key = `${env.key}/${env.epoch}/${verifiedId}`;
      expect(w.verified.has(key), `a credential works at most once (${what})`).toBe(false);
      w.verified.add(key);
    }
  }
  toString = () =>
    `verify(env#${this.envPick}, ${JSON.stringify(this.target)}, ${this.credential}, ${this.choice}, id ${this.idChoice}, ${this.transport})`;
}

/**
 * Uses the access token of a deleted environment. With `anyClient` off, only
 * tokens whose client id no environment has taken again.
 */
export class UseDeadToken implements Command {
  constructor(
    readonly pick: number,
    readonly transport: Transport,
    readonly anyClient: boolean,
  ) {}
  #candidates(w: World) {
    const live = new Set(w.live().map((e) => e.clientId));
    return w.deadTokens.filter((t) => this.anyClient || !live.has(t.clientId));
  }
  check = (w: Readonly<World>) => this.#candidates(w as World).length > 0;
  async run(w: World, sys: System): Promise<void> {
    const candidates = this.#candidates(w);
    const token = candidates[this.pick % candidates.length]!;
    const recreated = w.live().some((e) => e.clientId === token.clientId);
    w.stats.deadTokenProbes++;
    if (recreated) w.stats.recreatedClientProbes++;
    const answer = await sys.send(this.transport, token.value, { email: "ghost@example.com" });
    const what = `${this}: a token of deleted environment ${token.clientId}${recreated ? " (its client id now belongs to a new environment)" : ""}`;
    expect(answer.ok ? answer : { ...answer, errorCode: "UNAUTHENTICATED" }, what).toEqual({
      ok: false,
      grpc: ERRORS.UNAUTHENTICATED.grpc,
      errorCode: "UNAUTHENTICATED",
      ...(this.transport === "rest" && { http: 401 }),
    });
    // Refused as expired or as unknown: either way with Unauthenticated, never accepted.
    if (!answer.ok) expect(["UNAUTHENTICATED", "TOKEN_EXPIRED"], what).toContain(answer.errorCode);
  }
  toString = () => `deadToken(#${this.pick}, ${this.transport})`;
}
