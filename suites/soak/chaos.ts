import { CHAOS_PREFIX, type Prng, type Surfaces } from "./surfaces.js";

/**
 * Random fault rules, added to and removed from the soak's environments while
 * the load runs: injected errors (each rule with its own `CHAOS_<n>` error
 * code, so every injected answer says which rule made it), short delays,
 * dropped connections, rate limits, lost and late mail.
 */

export interface InjectedRule {
  env: string;
  id: string;
  kind: string;
  /** The error code its answers carry, for error rules. */
  code?: string;
}

/** The longest a `mail: "delay"` rule holds an email: after the run, wait this long before counting mail. */
export const MAX_MAIL_DELAY_MS = 160;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class Chaos {
  /** Every rule ever added, by id (ids are unique across environments). */
  readonly rules = new Map<string, InjectedRule>();
  readonly #active: InjectedRule[] = [];
  added = 0;
  removed = 0;
  #serial = 0;

  constructor(
    readonly surfaces: Surfaces,
    readonly random: Prng,
  ) {}

  /** A random rule; its id and code carry a serial number. */
  spec(): { spec: Record<string, unknown>; kind: string; code?: string } {
    const r = this.random;
    const n = ++this.#serial;
    const id = `chaos_${n}`;
    const code = `${CHAOS_PREFIX}${n}`;
    const kind = r.pick(["error5xx", "error5xx", "error4xx", "delay", "drop", "mailDrop", "mailDelay", "rateLimit"]);
    const mailKind = kind === "mailDrop" || kind === "mailDelay";
    const base = {
      id,
      operation: mailKind ? r.pick(["send", "resend", "*"]) : r.pick(["send", "resend", "verify", "token", "*"]),
      probability: r.pick([0.1, 0.25, 0.5]),
      ...(r.chance(0.3) && { times: 1 + r.int(20) }),
      ...(r.chance(0.3) && { match: { transport: r.pick(["rest", "grpc"]) } }),
    };
    const delay = r.chance(0.2) ? { delayMs: 1 + r.int(5) } : {};
    switch (kind) {
      case "error5xx":
        return { kind, code, spec: { ...base, ...delay, error: { status: r.pick([500, 502, 503, 504]), code } } };
      case "error4xx":
        return { kind, code, spec: { ...base, ...delay, error: { grpcCode: r.pick(["FailedPrecondition", "NotFound", "PermissionDenied"]), code } } };
      case "delay":
        return { kind, spec: { ...base, delayMs: 1 + r.int(15) } };
      case "drop":
        return { kind, spec: { ...base, ...delay, drop: true } };
      case "mailDrop":
        return { kind, spec: { ...base, mail: "drop" } };
      case "mailDelay":
        return { kind, spec: { ...base, mail: "delay", delayMs: 5 + r.int(MAX_MAIL_DELAY_MS - 10) } };
      default:
        return { kind, spec: { ...base, ...delay, rateLimit: { retryAfter: 0 } } };
    }
  }

  /** One step: add a rule to a random environment, or remove an active one. */
  async step(envs: readonly string[]): Promise<void> {
    if (this.#active.length > 0 && (this.#active.length >= 6 || this.random.chance(0.4))) {
      const rule = this.#active.splice(this.random.int(this.#active.length), 1)[0]!;
      const answer = await this.surfaces.control("DELETE", `/environments/${rule.env}/faults/${rule.id}`);
      if (answer.status !== 200) this.surfaces.tally.problem(`removing fault ${rule.id}: HTTP ${answer.status}`);
      this.removed++;
      return;
    }
    const env = this.random.pick(envs);
    const { spec, kind, code } = this.spec();
    const answer = await this.surfaces.control("POST", `/environments/${env}/faults`, spec);
    if (answer.status !== 201) {
      this.surfaces.tally.problem(`adding fault ${JSON.stringify(spec)}: HTTP ${answer.status} ${JSON.stringify(answer.body)}`);
      return;
    }
    const rule: InjectedRule = { env, id: spec.id as string, kind, ...(code !== undefined && { code }) };
    this.rules.set(rule.id, rule);
    this.#active.push(rule);
    this.added++;
  }

  async run(envs: readonly string[], until: number): Promise<void> {
    while (performance.now() < until) {
      await this.step(envs);
      await sleep(30 + this.random.int(200));
    }
  }

  /** Removes every rule from every environment. */
  async clear(envs: readonly string[]): Promise<void> {
    for (const env of envs) await this.surfaces.control("DELETE", `/environments/${env}/faults`);
    this.#active.length = 0;
  }
}
