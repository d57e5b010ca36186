import type fc from "fast-check";
import { expect } from "vitest";
import { applySettings, cloneState, newEnvState } from "./reference.js";
import type { System } from "./system.js";
import { MAX_LIVE, type World } from "./world.js";

/** Commands on the control API: clock, settings, environments, snapshots. */

type Command = fc.AsyncCommand<World, System>;

export class MoveClock implements Command {
  constructor(
    readonly envPick: number,
    readonly ms: number,
  ) {}
  check = () => true;
  async run(w: World, sys: System): Promise<void> {
    const env = w.pickLive(this.envPick);
    const answer = await sys.env(env.serverId, "POST", "/clock", { advance: this.ms });
    env.state.now += this.ms;
    expect([answer.status, answer.body.epoch_ms, answer.body.frozen], `${this} in ${env.key}`).toEqual([200, env.state.now, true]);
  }
  toString = () => `clock(env#${this.envPick}, +${this.ms}ms)`;
}

/** Moves the clock to just before, exactly at, or just after the expiry of one of the environment's auth requests (never backwards). */
export class ClockToExpiry implements Command {
  constructor(
    readonly envPick: number,
    readonly requestPick: number,
    readonly deltaMs: number,
  ) {}
  check = () => true;
  async run(w: World, sys: System): Promise<void> {
    const env = w.pickLive(this.envPick);
    const requests = [...env.state.requests.values()].reverse();
    const request = requests[this.requestPick % Math.max(1, requests.length)];
    const step = request === undefined ? 1 : Math.max(1, request.expiresAt + this.deltaMs - env.state.now);
    await new MoveClock(this.envPick, step).run(w, sys);
  }
  toString = () => `clockToExpiry(env#${this.envPick}, request#${this.requestPick}, ${this.deltaMs >= 0 ? "+" : ""}${this.deltaMs}ms)`;
}

export class ChangeSettings implements Command {
  constructor(
    readonly envPick: number,
    readonly patch: Record<string, unknown>,
  ) {}
  check = () => true;
  async run(w: World, sys: System): Promise<void> {
    const env = w.pickLive(this.envPick);
    const next = applySettings(env.state.settings, this.patch);
    const answer = await sys.env(env.serverId, "PUT", "/settings", this.patch);
    const what = `${this} in ${env.key}`;
    if (next === undefined) {
      // Refused as a whole: nothing of the update applies.
      expect([answer.status, answer.body.error?.code], what).toEqual([400, "INVALID_ARGUMENT"]);
    } else {
      env.state.settings = next;
      expect([answer.status, answer.body], what).toEqual([200, next]);
    }
    expect((await sys.env(env.serverId, "GET", "/settings")).body, `settings of ${env.key} after ${what}`).toEqual(env.state.settings);
  }
  toString = () => `settings(env#${this.envPick}, ${JSON.stringify(this.patch)})`;
}

/** Creates an environment, or (with `recreatePick`) re-creates a deleted one with the same id and client id. */
export class CreateEnv implements Command {
  constructor(
    readonly settings: Record<string, unknown>,
    readonly recreatePick: number | undefined,
  ) {}
  check = (w: Readonly<World>) => w.live().length < MAX_LIVE;
  async run(w: World, sys: System): Promise<void> {
    const liveIds = new Set(w.live().map((e) => e.serverId));
    const dead = w.envs.filter((e) => !e.alive && !liveIds.has(e.serverId));
    const reuse = this.recreatePick === undefined || dead.length === 0 ? undefined : dead[this.recreatePick % dead.length];
    await w.createEnv(sys, this.settings, reuse);
  }
  toString = () => `createEnv(${JSON.stringify(this.settings)}${this.recreatePick === undefined ? "" : `, recreate #${this.recreatePick}`})`;
}

export class DeleteEnv implements Command {
  constructor(readonly envPick: number) {}
  check = (w: Readonly<World>) => w.live().length > 1;
  async run(w: World, sys: System): Promise<void> {
    const env = w.pickLive(this.envPick);
    await w.deleteEnv(sys, env);
    const gone = await sys.env(env.serverId, "GET", "/emails");
    expect([gone.status, gone.body.error?.code], `the inbox of deleted ${env.key}`).toEqual([404, "NOT_FOUND"]);
  }
  toString = () => `deleteEnv(env#${this.envPick})`;
}

/** A fault rule that swallows the email of the next send or resend (`mail: "drop"`, once). */
export class DropNextMail implements Command {
  constructor(readonly envPick: number) {}
  check = () => true;
  async run(w: World, sys: System): Promise<void> {
    const env = w.pickLive(this.envPick);
    const answer = await sys.env(env.serverId, "POST", "/faults", { operation: "*", mail: "drop", times: 1 });
    expect(answer.status, `${this} in ${env.key}: ${JSON.stringify(answer.body)}`).toBe(201);
    env.state.faultRules++;
    env.state.pendingMailDrops++;
  }
  toString = () => `dropNextMail(env#${this.envPick})`;
}

/**
 * `POST /reset`: no auth requests or mail, `seq` from 1, the settings it was
 * created with, real time (frozen again at once). Sends are numbered from 1
 * again, so ids and codes of before the reset come back for the same sends.
 */
export class ResetEnv implements Command {
  constructor(readonly envPick: number) {}
  check = () => true;
  async run(w: World, sys: System): Promise<void> {
    const env = w.pickLive(this.envPick);
    const answer = await sys.env(env.serverId, "POST", "/reset");
    expect([answer.status, answer.body], `${this} of ${env.key}`).toEqual([200, { status: "reset", environment_id: env.serverId }]);
    const clock = await sys.env(env.serverId, "POST", "/clock", { freeze: true });
    env.state = newEnvState({ ...env.initialSettings }, clock.body.epoch_ms);
    env.captured = new Set();
    env.epoch++;
    expect((await sys.env(env.serverId, "GET", "/settings")).body, `settings of ${env.key} after a reset`).toEqual(env.initialSettings);
  }
  toString = () => `reset(env#${this.envPick})`;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** Exports a snapshot (checked against the model) and keeps it with the model's state at that moment. */
export class ExportSnapshot implements Command {
  constructor(readonly envPick: number) {}
  check = () => true;
  async run(w: World, sys: System): Promise<void> {
    const env = w.pickLive(this.envPick);
    const { status, body } = await sys.env(env.serverId, "GET", "/snapshot");
    const s = env.state;
    const what = `${this} of ${env.key}`;
    expect(status, what).toBe(200);
    expect(body, what).toMatchObject({
      format: "scalekit-mock/snapshot",
      version: 1,
      environmentId: env.serverId,
      takenAt: iso(s.now),
      state: { settings: s.settings, clock: { now: s.now, frozen: true }, inbox: { nextSeq: s.nextSeq } },
    });
    expect(body.state.faults.length, `fault rules in the ${what}`).toBe(s.faultRules);
    expect(
      body.state.authRequests.map((r: any) => [r.id, r.status, r.attempts, r.resends, r.maxAttempts, r.expiresAt, r.credentials, r.retiredLinkTokens]),
      `auth requests in the ${what}`,
    ).toEqual(
      [...s.requests.values()].map((r) => [
        r.id,
        r.status,
        r.attempts,
        r.resends,
        r.maxAttempts,
        r.expiresAt,
        { generation: r.generation, ...(r.code !== undefined && { code: r.code }), ...(r.linkToken !== undefined && { linkToken: r.linkToken }) },
        r.retired,
      ]),
    );
    expect(
      body.state.inbox.emails.map((e: any) => [e.id, e.seq, e.authRequestId]),
      `emails in the ${what}`,
    ).toEqual(s.emails.map((e) => [e.id, e.seq, e.authRequestId]));
    w.snapshots.push({ from: env.key, json: body, state: cloneState(s) });
  }
  toString = () => `exportSnapshot(env#${this.envPick})`;
}

/** Imports a saved snapshot into a live environment (its own, or another): the environment's state becomes the snapshot's. */
export class ImportSnapshot implements Command {
  constructor(
    readonly snapshotPick: number,
    readonly envPick: number,
  ) {}
  check = (w: Readonly<World>) => w.snapshots.length > 0;
  async run(w: World, sys: System): Promise<void> {
    const saved = w.snapshots[this.snapshotPick % w.snapshots.length]!;
    const env = w.pickLive(this.envPick);
    const answer = await sys.env(env.serverId, "PUT", "/snapshot", saved.json);
    expect([answer.status, answer.body], `${this}: ${saved.from}'s snapshot into ${env.key}`).toEqual([
      200,
      { restored: true, environment_id: env.serverId, auth_requests: saved.state.requests.size, emails: saved.state.emails.length, faults: saved.state.faultRules },
    ]);
    env.state = cloneState(saved.state);
    env.epoch++;
    env.captured = new Set(saved.state.emails.map((e) => e.id));
  }
  toString = () => `importSnapshot(#${this.snapshotPick}, env#${this.envPick})`;
}
