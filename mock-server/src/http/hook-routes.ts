import { streamSSE } from "hono/streaming";
import type { Context, Hono } from "hono";
import { z } from "zod";
import { faultRuleInput } from "../schemas/faults.js";
import { SNAPSHOT_FORMAT, SNAPSHOT_VERSION, snapshotSchema } from "../schemas/snapshot.js";
import { OPERATIONS, TRANSPORTS } from "../domain/operations.js";
import { quote } from "../domain/preview.js";
import { FaultRuleError, type FaultRule } from "../faults/rules.js";
import type { Environment } from "../state/environment.js";
import type { JournalEntry } from "../state/journal.js";
import type { HttpDeps } from "./deps.js";
import { ControlError, parseInput } from "./errors.js";
import { readControlJson } from "./control-body.js";

export function faultJson(rule: FaultRule) {
  return { ...rule.spec, hits: rule.hits, matches: rule.matches, active: rule.times === undefined || rule.hits < rule.times };
}

export function journalJson(entry: JournalEntry) {
  return {
    seq: entry.seq,
    time: new Date(entry.time).toISOString(),
    transport: entry.transport,
    operation: entry.operation,
    ...(entry.email !== undefined && { email: entry.email }),
    ...(entry.authRequestId !== undefined && { auth_request_id: entry.authRequestId }),
    outcome: entry.outcome,
    grpc_code: entry.grpcCode,
    ...(entry.httpStatus !== undefined && { http_status: entry.httpStatus }),
    duration_ms: entry.durationMs,
    headers: entry.headers,
    ...(entry.faultId !== undefined && { fault_id: entry.faultId }),
    ...(entry.mailFaultId !== undefined && { mail_fault_id: entry.mailFaultId }),
  };
}

const requestsQuery = z.object({
  operation: z.enum(OPERATIONS).optional(),
  transport: z.enum(TRANSPORTS).optional(),
  status: z
    .string()
    .regex(/^(ok|error|\d{3}|[A-Za-z]+)$/, 'an HTTP status ("429"), a gRPC code name ("ResourceExhausted"), "ok" or "error"')
    .optional(),
  since: z
    .string()
    .transform((value, ctx) => {
      const ms = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
      if (!Number.isFinite(ms)) {
        ctx.addIssue({ code: "custom", message: "expected an ISO 8601 time or epoch milliseconds" });
        return z.NEVER;
      }
      return ms;
    })
    .optional(),
  limit: z.coerce.number().int().min(1).max(100_000).optional(),
});

const HEARTBEAT_MS = 15_000;

const FAULT_STATUS = { conflict: 409, invalid: 400, limit: 400 } as const;
const FAULT_CODE = { conflict: "ALREADY_EXISTS", invalid: "INVALID_ARGUMENT", limit: "LIMIT" } as const;

/** Faults, request journal, event stream and snapshot of one environment. */
export function registerHookRoutes(app: Hono, deps: HttpDeps, environmentOf: (c: Context) => Environment): void {
  app.get("/faults", (c) => c.json({ faults: environmentOf(c).faults.list().map(faultJson) }));

  app.post("/faults", async (c) => {
    const body = await readControlJson(c);
    const specs = Array.isArray(body) ? body : [body];
    const env = environmentOf(c);
    const parsed = specs.map((spec, i) => parseInput(faultRuleInput, spec, specs.length > 1 ? `fault rule [${i}]` : "fault rule"));
    let added: FaultRule[];
    try {
      added = env.faults.addAll(parsed);
    } catch (error) {
      if (error instanceof FaultRuleError) throw new ControlError(FAULT_STATUS[error.reason], FAULT_CODE[error.reason], error.message);
      throw error;
    }
    return c.json(Array.isArray(body) ? { faults: added.map(faultJson) } : faultJson(added[0]!), 201);
  });

  app.delete("/faults", (c) => c.json({ deleted: environmentOf(c).faults.clear() }));

  app.delete("/faults/:id", (c) => {
    const id = c.req.param("id");
    if (!environmentOf(c).faults.remove(id)) throw new ControlError(404, "NOT_FOUND", `no fault rule ${quote(id)}`);
    return c.json({ deleted: 1 });
  });

  app.get("/requests", (c) => {
    const query = parseInput(requestsQuery, c.req.query(), "query");
    const entries = environmentOf(c).journal.list({
      ...(query.operation !== undefined && { operation: query.operation }),
      ...(query.transport !== undefined && { transport: query.transport }),
      ...(query.status !== undefined && { status: query.status }),
      ...(query.since !== undefined && { since: query.since }),
      ...(query.limit !== undefined && { limit: query.limit }),
    });
    return c.json({ count: entries.length, requests: entries.map(journalJson) });
  });

  app.delete("/requests", (c) => c.json({ deleted: environmentOf(c).journal.clear() }));

  app.get("/events", (c) => {
    // `?environment=*` streams every environment; otherwise the one addressed.
    const only = c.req.query("environment") === "*" ? undefined : environmentOf(c).id;
    return streamSSE(c, async (stream) => {
      let chain = Promise.resolve();
      const unsubscribe = deps.events.subscribe((event) => {
        if (only !== undefined && event.environmentId !== only) return;
        const data = JSON.stringify({ ...event.data, environment_id: event.environmentId });
        chain = chain.then(() => stream.writeSSE({ id: String(event.id), event: event.type, data }));
      });
      await stream.write(`: scalekit-mock events for ${only ?? "every environment"}\n\n`);
      const heartbeat = setInterval(() => {
        chain = chain.then(async () => {
          await stream.write(": heartbeat\n\n");
        });
      }, HEARTBEAT_MS);
      await new Promise<void>((resolve) => {
        const signal = AbortSignal.any([c.req.raw.signal, deps.shutdown]);
        if (signal.aborted) resolve();
        signal.addEventListener("abort", () => resolve(), { once: true });
        stream.onAbort(resolve);
      });
      clearInterval(heartbeat);
      unsubscribe();
      await chain.catch(() => undefined);
    });
  });

  app.get("/snapshot", (c) => {
    const env = environmentOf(c);
    return c.json({
      format: SNAPSHOT_FORMAT,
      version: SNAPSHOT_VERSION,
      environmentId: env.id,
      takenAt: new Date(env.clock.now()).toISOString(),
      state: env.exportState(),
    });
  });

  app.put("/snapshot", async (c) => {
    const snapshot = parseInput(snapshotSchema, await readControlJson(c), "snapshot");
    const env = environmentOf(c);
    env.importState(snapshot.state);
    deps.tokens.forgetIssued(env);
    return c.json({
      restored: true,
      environment_id: env.id,
      auth_requests: snapshot.state.authRequests.length,
      emails: snapshot.state.inbox.emails.length,
      faults: snapshot.state.faults.length,
    });
  });
}
