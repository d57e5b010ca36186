import { phrased } from "../domain/error-phrases.js";
import { ERROR_CODES, httpStatusOf, ScalekitError, type GrpcCodeName } from "../domain/errors.js";
import type { CallFacts } from "../domain/commands.js";
import type { Operation, Transport } from "../domain/operations.js";
import { retryAfterSeconds } from "../domain/rate-window.js";
import type { FaultLayer, FaultRule } from "../faults/rules.js";
import type { Environment } from "../state/environment.js";
import { redactHeaders } from "../state/journal.js";

/** What becomes of the email of a send or resend. */
export type MailPlan = { mode: "now" } | { mode: "drop" } | { mode: "delay"; delayMs: number };

/** Decides the email's fate when the service delivers it: only a call that got that far meets the mail rules. */
export type PlanMail = () => MailPlan;

/** Thrown to make the transport drop the connection (fault `drop`). */
export class DropConnection extends Error {
  constructor(readonly faultId: string) {
    super(`connection dropped by fault "${faultId}"`);
  }
}

/** One call on its way through the stages: what fault rules match and what the journal records. */
export interface Call {
  transport: Transport;
  operation: Operation;
  headers: Record<string, string>;
  /** performance.now() at arrival. */
  startedAt: number;
  /** The environment, once the token (or client id) told which; the default one's journal otherwise. */
  env?: Environment;
  email?: string;
  authRequestId?: string;
  fault?: FaultRule;
  /** The mail rule that acted when the call's email was delivered. */
  mailFault?: FaultRule;
}

export interface CallEnd {
  grpcCode: GrpcCodeName;
  outcome: string;
  httpStatus?: number;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function startCall(transport: Transport, operation: Operation, headers: Iterable<[string, string]>): Call {
  return { transport, operation, headers: redactHeaders(headers), startedAt: performance.now() };
}

/** Fills in the environment and the address a call is about, so fault rules can match it and the journal show it. */
export function identify(call: Call, env: Environment, facts: CallFacts): void {
  call.env = env;
  if (facts.authRequestId !== undefined) call.authRequestId = facts.authRequestId;
  // A named auth request decides, as in verify (D10): a link token of another request never tells whose call it is.
  const request =
    facts.authRequestId !== undefined
      ? env.authRequest(facts.authRequestId)
      : facts.linkToken !== undefined
        ? env.authRequestByLinkToken(facts.linkToken)
        : undefined;
  call.email = facts.email ?? request?.email;
  if (request !== undefined) call.authRequestId ??= request.id;
}

/**
 * Counts the call against the environment's `rateLimitPerMinute` on its
 * mock clock; over the limit, the refusal to answer before the call does
 * anything (no send, no attempt, no email, no fault rule). The one place
 * that decides a rate-limit answer; `/oauth/token` puts the same refusal
 * into OAuth's wire format.
 */
// Deviation D52: authenticated calls and token requests count; refused ones do not
export function rateLimitRefusal(call: Call, env: Environment): ScalekitError | undefined {
  const limit = env.settings.rateLimitPerMinute;
  if (limit === null) return undefined;
  const decision = env.rateWindow.admit(env.clock.now(), limit);
  if (decision.admitted) return undefined;
  const retryAfter = retryAfterSeconds(decision.retryAfterMs);
  env.publish("rate.limited", { operation: call.operation, transport: call.transport, limit, retry_after: retryAfter });
  return new ScalekitError(
    "ResourceExhausted",
    ERROR_CODES.rateLimited,
    phrased("rateLimitExceeded", `environment "${env.id}" allows ${limit} ${limit === 1 ? "request" : "requests"} per minute; retry after ${retryAfter}s (mock clock) or raise rateLimitPerMinute`),
    { retryAfter },
  );
}

/** The rule of `layer` that acts on the call, recorded on it and announced. */
function hit(call: Call, env: Environment, layer: FaultLayer): FaultRule | undefined {
  const rule = env.faults.evaluate({ operation: call.operation, transport: call.transport, ...(call.email !== undefined && { email: call.email }) }, layer);
  if (rule === undefined) return undefined;
  if (layer === "call") call.fault = rule;
  else call.mailFault = rule;
  env.publish("fault.hit", { fault_id: rule.id, operation: call.operation, transport: call.transport, action: rule.action.kind });
  return rule;
}

function planMail(call: Call, env: Environment): MailPlan {
  const action = hit(call, env, "delivery")?.action;
  if (action?.kind !== "mail") return { mode: "now" };
  return action.mode === "drop" ? { mode: "drop" } : { mode: "delay", delayMs: action.delayMs };
}

/**
 * Applies the first fault rule of the call's environment that acts on its
 * arrival: waits out a delay, then throws for an error, a rate limit or a
 * drop. Returns how to decide what becomes of the call's email.
 */
export async function applyFaults(call: Call, env: Environment): Promise<PlanMail> {
  const rule = hit(call, env, "call");
  const plan = () => planMail(call, env);
  if (rule === undefined) return plan;
  if (rule.delayMs > 0) await sleep(rule.delayMs);
  const action = rule.action;
  switch (action.kind) {
    case "error":
      throw new ScalekitError(action.grpcCode, action.errorCode, action.message, { httpStatus: action.httpStatus });
    case "rateLimit":
      // Deviation D30: rate limits answer ResourceExhausted RATE_LIMITED with retry-after
      throw new ScalekitError("ResourceExhausted", ERROR_CODES.rateLimited, phrased("rateLimitExceeded", `retry after ${action.retryAfter}s (fault "${rule.id}")`), {
        retryAfter: action.retryAfter,
      });
    case "drop":
      throw new DropConnection(rule.id);
    case "mail":
    case "delay":
      return plan;
  }
}

/** Writes the journal entry of a finished call into its environment's journal (`fallback` when none was named). */
export function finishCall(call: Call, end: CallEnd, fallback: Environment): void {
  const env = call.env ?? fallback;
  env.journal.record({
    time: env.clock.now(),
    transport: call.transport,
    operation: call.operation,
    ...(call.email !== undefined && { email: call.email }),
    ...(call.authRequestId !== undefined && { authRequestId: call.authRequestId }),
    outcome: end.outcome,
    grpcCode: end.grpcCode,
    ...(end.httpStatus !== undefined && { httpStatus: end.httpStatus }),
    durationMs: Math.round((performance.now() - call.startedAt) * 100) / 100,
    headers: call.headers,
    ...(call.fault !== undefined && { faultId: call.fault.id }),
    ...(call.mailFault !== undefined && { mailFaultId: call.mailFault.id }),
  });
}

/** How an error ends a call, for the journal. */
export function endOf(error: unknown, transport: Transport): CallEnd {
  if (error instanceof ScalekitError) {
    return { grpcCode: error.status, outcome: error.errorCode, ...(transport === "rest" && { httpStatus: httpStatusOf(error) }) };
  }
  if (error instanceof DropConnection) return { grpcCode: "Unavailable", outcome: "CONNECTION_DROPPED" };
  return { grpcCode: "Internal", outcome: ERROR_CODES.internal };
}
