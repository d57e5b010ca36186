import type { FaultRuleSpec } from "../schemas/faults.js";
import { chosenIdProblem } from "../domain/ids.js";
import { grpcCodeOfHttp, HTTP_STATUS, type GrpcCodeName } from "../domain/errors.js";
import type { RandomSource } from "../domain/random-source.js";
import { isMailOperation, type Operation, type Transport } from "../domain/operations.js";


/** What a rule does to a call. */
export type FaultAction =
  | { kind: "error"; grpcCode: GrpcCodeName; httpStatus: number; errorCode: string; message: string }
  | { kind: "drop" }
  | { kind: "rateLimit"; retryAfter: number }
  | { kind: "mail"; mode: "drop" | "delay"; delayMs: number }
  | { kind: "delay" };

export interface FaultRule {
  id: string;
  operation: FaultRuleSpec["operation"];
  match: { email?: string; transport?: Transport };
  /** `match.email`, compiled once. */
  emailPattern?: RegExp;
  action: FaultAction;
  /** Real ms to hold the call before the action (not for mail delays). */
  delayMs: number;
  times?: number;
  after: number;
  probability: number;
  /** Calls that matched operation, email and transport. */
  matches: number;
  /** Calls the rule acted on. */
  hits: number;
  /** The spec as given, for listing and snapshots. */
  spec: FaultRuleSpec;
}

/**
 * When rules are tried: on arrival of a call (errors, drops, rate limits,
 * delays), or when a send or resend that succeeded delivers its email (mail
 * rules), so a call that fails never uses up a rule meant for an email.
 */
export type FaultLayer = "call" | "delivery";

export interface CallFacts {
  operation: Operation;
  transport: Transport;
  email?: string;
}

const DEFAULT_MAIL_DELAY_MS = 5_000;

function screamingSnake(name: string): string {
  return name.replace(/([a-z])([A-Z])/g, "$1_$2").toUpperCase();
}

function actionOf(spec: FaultRuleSpec, id: string): FaultAction {
  if (spec.error !== undefined) {
    const detail = typeof spec.error === "string" ? { grpcCode: spec.error } : spec.error;
    const grpcCode = detail.grpcCode ?? grpcCodeOfHttp(detail.status!);
    return {
      kind: "error",
      grpcCode,
      httpStatus: detail.status ?? HTTP_STATUS[grpcCode],
      errorCode: detail.code ?? screamingSnake(grpcCode),
      message: detail.message ?? `${grpcCode} (injected by scalekit-mock fault "${id}")`,
    };
  }
  if (spec.drop) return { kind: "drop" };
  if (spec.rateLimit !== undefined) return { kind: "rateLimit", retryAfter: spec.rateLimit === true ? 1 : spec.rateLimit.retryAfter };
  if (spec.mail !== undefined) return { kind: "mail", mode: spec.mail, delayMs: spec.delayMs ?? DEFAULT_MAIL_DELAY_MS };
  return { kind: "delay" };
}

function compile(spec: FaultRuleSpec, id: string): FaultRule {
  const { id: _given, ...rest } = spec;
  return {
    id,
    operation: spec.operation,
    match: { ...spec.match },
    ...(spec.match?.email !== undefined && { emailPattern: globPattern(spec.match.email) }),
    action: actionOf(spec, id),
    delayMs: spec.mail === undefined ? (spec.delayMs ?? 0) : 0,
    ...(spec.times !== undefined && { times: spec.times }),
    after: spec.after,
    probability: spec.probability,
    matches: 0,
    hits: 0,
    // The id first, whether given or made up: listings and snapshots read the same either way.
    spec: { id, ...rest },
  };
}

/** A glob as a regular expression: `*` any run of characters, `?` one; case-insensitive. */
export function globPattern(glob: string): RegExp {
  const source = glob.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
  return new RegExp(`^${source}$`, "i");
}

export function globMatches(glob: string, value: string): boolean {
  return globPattern(glob).test(value);
}

/** Why rules were not added: an id invalid or taken, or the environment's `faultLimit` reached. */
export class FaultRuleError extends Error {
  constructor(
    readonly reason: "conflict" | "invalid" | "limit",
    message: string,
  ) {
    super(message);
    this.name = "FaultRuleError";
  }
}

/**
 * The fault rules of one environment, tried in the order they were added;
 * the first that acts wins. Probability draws come from the seed, so the
 * same seed and calls give the same hits.
 */
export class FaultRules {
  /** By id; a Map keeps insertion order, which is the order rules are tried in. */
  #rules = new Map<string, FaultRule>();
  #nextId = 1;
  readonly #random: RandomSource;
  readonly #scope: string;
  /** Most rules held at once; read on every add so a settings change applies at once. */
  readonly #limit: () => number;
  #draws = new Map<string, number>();

  constructor(random: RandomSource, scope: string, limit: () => number = () => Number.POSITIVE_INFINITY) {
    this.#random = random;
    this.#scope = scope;
    this.#limit = limit;
  }

  /** Throws FaultRuleError when the id is taken or the limit reached. */
  add(spec: FaultRuleSpec): FaultRule {
    return this.addAll([spec])[0]!;
  }

  /**
   * Adds every rule or none: ids and the limit are checked for the whole
   * batch first. Rules without an id get the next free `f_<n>`.
   */
  addAll(specs: readonly FaultRuleSpec[]): FaultRule[] {
    return this.#addAll(specs, this.#limit());
  }

  #addAll(specs: readonly FaultRuleSpec[], limit: number): FaultRule[] {
    if (this.#rules.size + specs.length > limit) {
      throw new FaultRuleError(
        "limit",
        `an environment holds at most ${limit} fault rules (setting faultLimit); it has ${this.#rules.size}, and ${specs.length} more would pass it. Delete some first, or raise faultLimit`,
      );
    }
    const chosen = new Set<string>();
    for (const spec of specs) {
      if (spec.id === undefined) continue;
      const invalid = chosenIdProblem("fault rule", spec.id);
      if (invalid !== undefined) throw new FaultRuleError("invalid", invalid);
      if (this.#rules.has(spec.id) || chosen.has(spec.id)) throw new FaultRuleError("conflict", `a fault rule with id "${spec.id}" already exists`);
      chosen.add(spec.id);
    }
    const rules = specs.map((spec) => compile(spec, spec.id ?? this.#freshId(chosen)));
    for (const rule of rules) this.#rules.set(rule.id, rule);
    return rules;
  }

  /** Re-adds rules from a snapshot with their counters, all or none, under the snapshot's own limit. */
  restore(rules: readonly (FaultRuleSpec & { matches: number; hits: number })[], limit: number): void {
    const added = this.#addAll(rules.map(({ matches: _m, hits: _h, ...spec }) => spec), limit);
    for (const [i, rule] of added.entries()) {
      rule.matches = rules[i]!.matches;
      rule.hits = rules[i]!.hits;
      const numbered = /^f_(\d+)$/.exec(rule.id);
      if (numbered) this.#nextId = Math.max(this.#nextId, Number(numbered[1]) + 1);
    }
  }

  #freshId(taken: ReadonlySet<string>): string {
    for (;;) {
      const id = `f_${this.#nextId++}`;
      if (!this.#rules.has(id) && !taken.has(id)) return id;
    }
  }

  get size(): number {
    return this.#rules.size;
  }

  list(): FaultRule[] {
    return [...this.#rules.values()];
  }

  remove(id: string): boolean {
    return this.#rules.delete(id);
  }

  clear(): number {
    const count = this.#rules.size;
    this.#rules.clear();
    this.#nextId = 1;
    this.#draws.clear();
    return count;
  }

  /** The rule of `layer` that acts on this call, if any; counts matches and hits. */
  evaluate(call: CallFacts, layer: FaultLayer = "call"): FaultRule | undefined {
    for (const rule of this.#rules.values()) {
      if ((rule.action.kind === "mail") !== (layer === "delivery")) continue;
      if (rule.times !== undefined && rule.hits >= rule.times) continue;
      if (rule.operation !== "*" && rule.operation !== call.operation) continue;
      if (rule.match.transport !== undefined && rule.match.transport !== call.transport) continue;
      if (rule.emailPattern !== undefined && (call.email === undefined || !rule.emailPattern.test(call.email))) continue;
      if (rule.action.kind === "mail" && !isMailOperation(call.operation)) continue;
      rule.matches += 1;
      if (rule.matches <= rule.after) continue;
      if (rule.probability < 1 && this.#draw(rule) >= rule.probability) continue;
      rule.hits += 1;
      return rule;
    }
    return undefined;
  }

  /** A number in [0, 1) from the rule's own seeded stream. */
  #draw(rule: FaultRule): number {
    const n = (this.#draws.get(rule.id) ?? 0) + 1;
    this.#draws.set(rule.id, n);
    const bytes = this.#random.stream(this.#scope, "fault", rule.id, n).bytes(4);
    return (((bytes[0]! << 24) | (bytes[1]! << 16) | (bytes[2]! << 8) | bytes[3]!) >>> 0) / 2 ** 32;
  }
}
