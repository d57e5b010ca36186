import { restDriver, sdkDriver, type Driver, type Outcome } from "../support/drivers.js";
import { scenarios as catalog } from "./scenarios.js";
import { SendCapReached } from "./real-run.js";
import type { TargetDefinition, TargetSession, TargetDetails } from "./targets.js";
import type { RecordedStep, Scenario, Shape, TransportName } from "./types.js";

export type Status = "pass" | "fail" | "n/a";

export interface RunResult {
  scenario: string;
  title: string;
  target: string;
  transport: TransportName;
  status: Status;
  /** Why it failed or does not apply. */
  reason?: string;
  /** Not run to its end: the real run's cap on sends was reached. */
  capped?: true;
  durationMs: number;
  steps: RecordedStep[];
}

export interface TargetRun {
  target: string;
  /** Set when the target was not run at all (not configured). */
  skipped?: string;
  /** Where its mail was read and the run's id (a real environment). */
  details?: TargetDetails;
  wallMs: number;
  results: RunResult[];
}

const TRANSPORTS: TransportName[] = ["rest", "sdk"];
const ENUM_FIELDS = new Set(["passwordlessType", "template"]);
const SCENARIO_TIMEOUT_MS = 30_000;

/** The outcome of a call reduced to field names, types, enum values and error codes. */
export function shapeOf(outcome: Outcome<unknown>): Shape {
  if (!outcome.ok) return { outcome: "error", grpc_code: String(outcome.error.grpcCode), error_code: outcome.error.errorCode ?? "(none)" };
  const shape: Shape = { outcome: "ok" };
  for (const [key, value] of Object.entries(outcome.value as Record<string, unknown>)) {
    shape[key] = ENUM_FIELDS.has(key) ? `enum ${String(value)}` : Array.isArray(value) ? "array" : typeof value;
  }
  return shape;
}

/**
 * Values a run came by that differ between runs of the same scenario (its
 * addresses, the ids it was given), so that messages can be compared with
 * them replaced by placeholders.
 */
class RunValues {
  readonly #names = new Map<string, string>();

  add(value: string, kind: string): string {
    if (value !== "" && !this.#names.has(value)) this.#names.set(value, `<${kind}#${this.#names.size + 1}>`);
    return value;
  }

  placeholders(text: string): string {
    const values = [...this.#names.keys()].sort((a, b) => b.length - a.length);
    return values.reduce((out, value) => out.replaceAll(value, this.#names.get(value)!), text);
  }
}

/** A driver that keeps a real run's pause between calls and its cap on sends. */
function paced(driver: Driver, pace: (kind: "send" | "other") => Promise<void>): Driver {
  return {
    transport: driver.transport,
    async send(email, options) {
      await pace("send");
      return driver.send(email, options);
    },
    async resend(id) {
      await pace("send");
      return driver.resend(id);
    },
    async verify(credential, id) {
      await pace("other");
      return driver.verify(credential, id);
    },
  };
}

const unpaced = async () => undefined;

/** A driver that records the shape of every outcome, and an error's message, step by step. */
function recording(driver: Driver, steps: RecordedStep[], values: RunValues): Driver {
  const counts = new Map<string, number>();
  const record = <T>(operation: string, outcome: Outcome<T>): Outcome<T> => {
    const n = (counts.get(operation) ?? 0) + 1;
    counts.set(operation, n);
    if (outcome.ok && typeof (outcome.value as { authRequestId?: unknown }).authRequestId === "string") {
      values.add((outcome.value as { authRequestId: string }).authRequestId, "auth_request_id");
    }
    steps.push({ step: `${operation}#${n}`, shape: shapeOf(outcome), ...(!outcome.ok && { message: values.placeholders(outcome.error.message) }) });
    return outcome;
  };
  return {
    transport: driver.transport,
    send: async (email, options) => record("send", await driver.send(email, options)),
    resend: async (id) => record("resend", await driver.resend(id)),
    verify: async (credential, id) => record("verify", await driver.verify(credential, id)),
  };
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms / 1000}s`)), ms);
    }),
  ]);
}

let runCounter = 0;

/** Runs one scenario on one transport of a started target. */
export async function runScenario(session: TargetSession, target: string, scenario: Scenario, transport: TransportName): Promise<RunResult> {
  const base = { scenario: scenario.id, title: scenario.title, target, transport };
  const started = performance.now();
  const na = (reason: string): RunResult => ({ ...base, status: "n/a", reason, durationMs: 0, steps: [] });
  if (scenario.transports !== undefined && !scenario.transports.includes(transport)) return na(`runs on ${scenario.transports.join(", ")} only`);
  const lacking = scenario.needs.filter((c) => !session.capabilities.has(c));
  if (lacking.length > 0) return na(`the target has no ${lacking.join(", ")} control`);
  const prepared = await session.prepare(scenario.type);
  if ("na" in prepared) return na(prepared.na);
  const steps: RecordedStep[] = [];
  const values = new RunValues();
  // Each run has an environment of its own: messages naming it compare equal across transports.
  if (prepared.environmentId !== undefined) values.add(prepared.environmentId, "environment");
  const tag = `${Date.now().toString(36)}${(runCounter++).toString(36)}`;
  let addresses = 0;
  const pace = prepared.pace ?? unpaced;
  try {
    const driver = transport === "rest" ? await restDriver(prepared.credentials) : sdkDriver(prepared.credentials);
    await withTimeout(
      scenario.run({
        driver: recording(paced(driver, pace), steps, values),
        inbox: prepared.inbox,
        ...(prepared.control !== undefined && { control: prepared.control }),
        transport,
        target: prepared.credentials,
        address: (label = "user") =>
          values.add(prepared.address?.(scenario.id, transport, ++addresses) ?? `${label}${++addresses}.${scenario.id}.${transport}.${tag}@example.com`, "email"),
        pace,
      }),
      session.scenarioTimeoutMs ?? SCENARIO_TIMEOUT_MS,
      scenario.id,
    );
    return { ...base, status: "pass", durationMs: performance.now() - started, steps };
  } catch (error) {
    if (error instanceof SendCapReached) return { ...na(error.message), capped: true, durationMs: performance.now() - started, steps };
    return { ...base, status: "fail", reason: error instanceof Error ? error.message : String(error), durationMs: performance.now() - started, steps };
  } finally {
    await prepared.release().catch(() => undefined);
  }
}

/** Starts a target, runs the catalog on every transport, stops it. */
export async function runTarget(definition: TargetDefinition, scenarios: Scenario[] = catalog): Promise<TargetRun> {
  const started = performance.now();
  const session = await definition.start();
  if ("skip" in session) return { target: definition.name, skipped: session.skip, wallMs: 0, results: [] };
  if (session.banner !== undefined) process.stdout.write(`${session.banner}\n`);
  const results: RunResult[] = [];
  try {
    for (const scenario of scenarios) {
      for (const transport of TRANSPORTS) results.push(await runScenario(session, definition.name, scenario, transport));
    }
  } finally {
    await session.stop();
  }
  return { target: definition.name, ...(session.details !== undefined && { details: session.details }), wallMs: performance.now() - started, results };
}
