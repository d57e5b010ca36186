import type { FaultRuleSpec } from "../../../contracts/schemas/faults.js";
import { HTTP_STATUS, type GrpcCodeName } from "../domain/errors.js";
import type { RandomSource } from "../domain/random.js";
import type { Operation, Transport } from "../state/journal.js";

/** The gRPC code a bare HTTP status stands for (gRPC's HTTP-to-status mapping, widened). */
export function grpcCodeOfHttp(status: number): GrpcCodeName {
  const exact: Record<number, GrpcCodeName> = {
    400: "InvalidArgument",
    401: "Unauthenticated",
    403: "PermissionDenied",
    404: "NotFound",
    409: "Aborted",
    429: "ResourceExhausted",
    499: "Canceled",
    501: "Unimplemented",
    502: "Unavailable",
    503: "Unavailable",
    504: "DeadlineExceeded",
  };
  return exact[status] ?? (status >= 500 ? "Internal" : "FailedPrecondition");
}

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

/** A glob as a regular expression: `*` any run of characters, `?` one; case-insensitive. */
export function globPattern(glob: string): RegExp {
  const source = glob.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
  return new RegExp(`^${source}$`, "i");
}

export function globMatches(glob: string, value: string): boolean {
  return globPattern(glob).test(value);
}

/**
 * The fault rules of one environment, tried in the order they were added;
 * the first that acts wins. Probability draws come from the seed, so the
 * same seed and calls give the same hits.
 */
export class FaultRules {
  #rules: FaultRule[] = [];
  #nextId = 1;
  readonly #random: RandomSource;
  readonly #scope: string;
  #draws = new Map<string, number>();

  constructor(random: RandomSource, scope: string) {
    this.#random = random;
    this.#scope = scope;
  }

  /** Throws when the id is taken. */
  add(spec: FaultRuleSpec): FaultRule {
    const id = spec.id ?? this.#freshId();
    if (this.#rules.some((r) => r.id === id)) throw new RangeError(`a fault rule with id "${id}" already exists`);
    const rule: FaultRule = {
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
      spec: { ...spec, id },
    };
    this.#rules.push(rule);
    return rule;
  }

  /** Re-adds a rule from a snapshot with its counters. */
  restore(spec: FaultRuleSpec, matches: number, hits: number): FaultRule {
    const rule = this.add(spec);
    rule.matches = matches;
    rule.hits = hits;
    const numbered = /^f_(\d+)$/.exec(rule.id);
    if (numbered) this.#nextId = Math.max(this.#nextId, Number(numbered[1]) + 1);
    return rule;
  }

  #freshId(): string {
    for (;;) {
      const id = `f_${this.#nextId++}`;
      if (!this.#rules.some((r) => r.id === id)) return id;
    }
  }

  list(): FaultRule[] {
    return [...this.#rules];
  }

  remove(id: string): boolean {
    const before = this.#rules.length;
    this.#rules = this.#rules.filter((r) => r.id !== id);
    return this.#rules.length < before;
  }

  clear(): number {
    const count = this.#rules.length;
    this.#rules = [];
    this.#nextId = 1;
    this.#draws.clear();
    return count;
  }

  /** The rule that acts on this call, if any; counts matches and hits. */
  evaluate(call: CallFacts): FaultRule | undefined {
    for (const rule of this.#rules) {
      if (rule.times !== undefined && rule.hits >= rule.times) continue;
      if (rule.operation !== "*" && rule.operation !== call.operation) continue;
      if (rule.match.transport !== undefined && rule.match.transport !== call.transport) continue;
      if (rule.emailPattern !== undefined && (call.email === undefined || !rule.emailPattern.test(call.email))) continue;
      if (rule.action.kind === "mail" && call.operation !== "send" && call.operation !== "resend") continue;
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
