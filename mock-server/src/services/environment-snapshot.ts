import { SNAPSHOT_FORMAT, SNAPSHOT_VERSION, snapshotSchema, type Snapshot } from "../schemas/snapshot.js";
import { FaultRuleError } from "../faults/rules.js";
import { ClockRangeError } from "../state/clock.js";
import type { Environment } from "../state/environment.js";
import { ControlError, parseInput } from "./control-error.js";
import { faultRefusal } from "./fault-control.js";
import { compileTemplates } from "./template-control.js";

export type { Snapshot };

/** A snapshot as the environment writes it, before any schema reads it back. */
export function snapshotDocument(env: Environment) {
  return {
    format: SNAPSHOT_FORMAT,
    version: SNAPSHOT_VERSION,
    environmentId: env.id,
    takenAt: new Date(env.clock.now()).toISOString(),
    state: env.exportState(),
  };
}

export interface RestoreSummary {
  environmentId: string;
  authRequests: number;
  emails: number;
  faults: number;
}

/**
 * Replaces the environment's state with a snapshot, validated whole first:
 * a refused snapshot changes nothing.
 */
export function restoreSnapshot(env: Environment, input: unknown): RestoreSummary {
  const snapshot = parseInput(snapshotSchema, input, "snapshot");
  const templates = compileTemplates(snapshot.state.templates, "state.templates.");
  try {
    env.importState(snapshot.state, templates);
  } catch (error) {
    // The schema checks both already; these only guard against a gap between it and the state classes.
    if (error instanceof ClockRangeError) {
      throw new ControlError(400, "INVALID_ARGUMENT", `invalid snapshot: ${error.message}`, [{ field: `state.clock.now`, message: error.message }], { cause: error });
    }
    if (error instanceof FaultRuleError) throw faultRefusal(error);
    throw error;
  }
  return {
    environmentId: env.id,
    authRequests: snapshot.state.authRequests.length,
    emails: snapshot.state.inbox.emails.length,
    faults: snapshot.state.faults.length,
  };
}
