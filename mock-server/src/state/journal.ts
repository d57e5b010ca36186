import type { GrpcCodeName } from "../domain/errors.js";
import type { Operation, Transport } from "../domain/operations.js";

export interface JournalEntry {
  /** Increases by one per entry of the environment. */
  seq: number;
  /** Epoch ms on the environment's clock when the call arrived. */
  time: number;
  transport: Transport;
  operation: Operation;
  email?: string;
  authRequestId?: string;
  /** "ok", or the error code the call ended with. */
  outcome: string;
  grpcCode: GrpcCodeName;
  /** REST only. */
  httpStatus?: number;
  /** Real milliseconds the call took, faults' delays included. */
  durationMs: number;
  /** Request headers, secrets redacted. */
  headers: Record<string, string>;
  /** The fault rule that acted on the call on its arrival, if any. */
  faultId?: string;
  /** The mail rule that lost or delayed the email of a send or resend, if any. */
  mailFaultId?: string;
}

export interface JournalFilter {
  operation?: string;
  transport?: string;
  /** An HTTP status ("429"), a gRPC code name ("ResourceExhausted"), "ok" or "error". */
  status?: string;
  /** Only entries at or after this epoch ms (mock clock). */
  since?: number;
  limit?: number;
}

const SECRET_HEADER = /authorization|cookie|secret|token|password|api[-_]?key|session/i;
const JWT = /\beyJ[\w-]+\.[\w-]+\.[\w-]*/g;

/**
 * Request headers safe to keep: credentials reduced to their scheme, and
 * anything that looks like a JWT elsewhere replaced.
 */
/** Whether a header name carries credentials; the answer per name is kept (few distinct names). */
const secretNames = new Map<string, boolean>();
function isSecretHeader(name: string): boolean {
  let secret = secretNames.get(name);
  if (secret === undefined) {
    secret = SECRET_HEADER.test(name);
    if (secretNames.size < 1_000) secretNames.set(name, secret);
  }
  return secret;
}

export function redactHeaders(headers: Iterable<[string, string]>): Record<string, string> {
  // Keyed by what the client sent: without a prototype, a header named __proto__ is kept like any other.
  const out: Record<string, string> = Object.create(null);
  for (const [rawName, value] of headers) {
    const name = rawName.toLowerCase();
    if (name.startsWith(":")) continue;
    if (isSecretHeader(name)) {
      const scheme = /^(Bearer|Basic)\s/i.exec(value)?.[1];
      out[name] = scheme ? `${scheme} [redacted]` : "[redacted]";
    } else {
      out[name] = value.includes("eyJ") ? value.replace(JWT, "[redacted-jwt]") : value;
    }
  }
  return out;
}

/** The newest `limit` calls of one environment; the oldest go first when it is full. */
export class Journal {
  #entries: JournalEntry[] = [];
  #nextSeq = 1;
  #limit: number;

  constructor(limit: number) {
    this.#limit = limit;
  }

  set limit(limit: number) {
    this.#limit = limit;
    if (this.#entries.length > limit) this.#entries.splice(0, this.#entries.length - limit);
  }

  record(entry: Omit<JournalEntry, "seq">): JournalEntry {
    const full = { ...entry, seq: this.#nextSeq++ };
    this.#entries.push(full);
    if (this.#entries.length > this.#limit) this.#entries.shift();
    return full;
  }

  /** Newest first. */
  list(filter: JournalFilter = {}): JournalEntry[] {
    const out: JournalEntry[] = [];
    const limit = filter.limit ?? Number.POSITIVE_INFINITY;
    for (let i = this.#entries.length - 1; i >= 0 && out.length < limit; i--) {
      const entry = this.#entries[i]!;
      if (filter.operation !== undefined && entry.operation !== filter.operation) continue;
      if (filter.transport !== undefined && entry.transport !== filter.transport) continue;
      if (filter.since !== undefined && entry.time < filter.since) continue;
      if (filter.status !== undefined && !statusMatches(entry, filter.status)) continue;
      out.push(entry);
    }
    return out;
  }

  clear(): number {
    const count = this.#entries.length;
    this.#entries = [];
    return count;
  }

  get size(): number {
    return this.#entries.length;
  }
}

function statusMatches(entry: JournalEntry, status: string): boolean {
  if (status === "ok") return entry.outcome === "ok";
  if (status === "error") return entry.outcome !== "ok";
  if (/^\d+$/.test(status)) return entry.httpStatus === Number(status);
  return entry.grpcCode.toLowerCase() === status.toLowerCase();
}
