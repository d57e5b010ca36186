import type fc from "fast-check";
import { expect } from "vitest";
import { resolve, type Target } from "./api-commands.js";
import { predictOtp, type EnvState, type ModelEmail } from "./reference.js";
import type { System } from "./system.js";
import type { ModelEnv, World } from "./world.js";

/** Commands that read (and clear) an inbox through the control API, each with filters the model applies too. */

type Command = fc.AsyncCommand<World, System>;
const iso = (ms: number) => new Date(ms).toISOString();

/** Filters as a test would pass them: a recipient, an auth request, and a cursor `back` emails behind the newest. */
export interface InboxFilter {
  to?: string;
  byRequest?: Target;
  back?: number;
}

function settle(w: World, env: ModelEnv, filter: InboxFilter): { to?: string; authRequestId?: string; after?: number } {
  return {
    ...(filter.to !== undefined && { to: filter.to }),
    ...(filter.byRequest !== undefined && { authRequestId: resolve(w, env, filter.byRequest).id }),
    ...(filter.back !== undefined && { after: Math.max(0, env.state.nextSeq - 1 - filter.back) }),
  };
}

/** The model's newest-first listing: recipients compared case-insensitively. */
function listed(state: EnvState, f: { to?: string; authRequestId?: string; after?: number }): ModelEmail[] {
  return [...state.emails]
    .reverse()
    .filter(
      (e) =>
        (f.to === undefined || e.to.toLowerCase() === f.to.toLowerCase()) &&
        (f.authRequestId === undefined || e.authRequestId === f.authRequestId) &&
        (f.after === undefined || e.seq > f.after),
    );
}

function query(f: { to?: string; authRequestId?: string; after?: number }, extra: Record<string, string> = {}): string {
  return new URLSearchParams({
    ...(f.to !== undefined && { to: f.to }),
    ...(f.authRequestId !== undefined && { auth_request_id: f.authRequestId }),
    ...(f.after !== undefined && { after: String(f.after) }),
    ...extra,
  }).toString();
}

export class ReadEmails implements Command {
  constructor(
    readonly envPick: number,
    readonly filter: InboxFilter,
    readonly limit: number | undefined,
    readonly latest: boolean,
  ) {}
  check = () => true;
  async run(w: World, sys: System): Promise<void> {
    const env = w.pickLive(this.envPick);
    const f = settle(w, env, this.filter);
    const expected = listed(env.state, f).map((e) => [e.id, e.seq]);
    const what = `${this} in ${env.key}: ${JSON.stringify(f)}`;
    if (this.latest) {
      const { status, body } = await sys.env(env.serverId, "GET", `/emails/latest?${query(f)}`);
      expect(status === 200 ? [status, body.id, body.seq] : [status, body.error?.code], what).toEqual(
        expected.length > 0 ? [200, ...expected[0]!] : [404, "NOT_FOUND"],
      );
      return;
    }
    const { status, body } = await sys.env(env.serverId, "GET", `/emails?${query(f, this.limit === undefined ? {} : { limit: String(this.limit) })}`);
    const limited = expected.slice(0, this.limit ?? 50);
    expect([status, body.count, body.emails?.map((e: any) => [e.id, e.seq])], what).toEqual([200, limited.length, limited]);
  }
  toString = () => `${this.latest ? "latestEmail" : "emails"}(env#${this.envPick}, ${JSON.stringify(this.filter)}${this.limit === undefined ? "" : `, limit ${this.limit}`})`;
}

export class ReadOtp implements Command {
  constructor(
    readonly envPick: number,
    readonly address: string,
    readonly byRequest: Target | undefined,
    readonly back: number | undefined,
  ) {}
  check = () => true;
  async run(w: World, sys: System): Promise<void> {
    const env = w.pickLive(this.envPick);
    const f = settle(w, env, { ...(this.byRequest !== undefined && { byRequest: this.byRequest }), ...(this.back !== undefined && { back: this.back }) });
    const answer = await sys.env(env.serverId, "GET", `/otp?${query(f, { email: this.address })}`);
    const found = predictOtp(env.state, this.address, f.authRequestId, f.after);
    const what = `${this} in ${env.key}: ${JSON.stringify(f)}`;
    if (found === undefined) {
      expect([answer.status, answer.body?.error?.code], what).toEqual([404, "NOT_FOUND"]);
      return;
    }
    const { email: e, request: r } = found;
    expect([answer.status, answer.body], what).toEqual([
      200,
      {
        ...(e.otp !== undefined && { code: e.otp }),
        ...(e.link !== undefined && { link: e.link }),
        ...(e.linkToken !== undefined && { link_token: e.linkToken }),
        auth_request_id: r.id,
        template: r.template,
        expires_at: iso(r.expiresAt),
        seq: e.seq,
        email_id: e.id,
      },
    ]);
  }
  toString = () =>
    `otp(env#${this.envPick}, ${this.address}${this.byRequest ? `, ${JSON.stringify(this.byRequest)}` : ""}${this.back === undefined ? "" : `, back ${this.back}`})`;
}

/** `DELETE /emails`: the inbox empties, `seq` keeps counting, the auth requests stay. */
export class ClearInbox implements Command {
  constructor(readonly envPick: number) {}
  check = () => true;
  async run(w: World, sys: System): Promise<void> {
    const env = w.pickLive(this.envPick);
    const answer = await sys.env(env.serverId, "DELETE", "/emails");
    expect([answer.status, answer.body], `${this} in ${env.key}`).toEqual([200, { deleted: env.state.emails.length }]);
    env.state.emails = [];
  }
  toString = () => `clearInbox(env#${this.envPick})`;
}
