import type { z } from "zod";

/** The parts of a snapshot's state the checks below read. */
interface StateToCheck {
  settings: { faultLimit: number };
  faults: readonly { id?: string | undefined }[];
}

type Issue = { path: (string | number)[]; message: string };

/** Each rule of a snapshot's fault list that its shape alone does not show. */
function faultIssues(state: StateToCheck): Issue[] {
  const issues: Issue[] = [];
  const limit = state.settings.faultLimit;
  if (state.faults.length > limit) {
    issues.push({ path: ["faults"], message: `${state.faults.length} fault rules, more than the snapshot's faultLimit of ${limit}` });
  }
  const seen = new Set<string>();
  for (const [i, fault] of state.faults.entries()) {
    if (fault.id === undefined) continue;
    if (seen.has(fault.id)) issues.push({ path: ["faults", i, "id"], message: `fault rule id "${fault.id}" appears twice` });
    seen.add(fault.id);
  }
  return issues;
}

/**
 * The checks a snapshot's state must pass beyond its shape, so that an
 * import cannot leave an environment in a state it could never reach by
 * itself. Reported as zod issues, each naming the field at fault.
 */
export function checkSnapshotState(state: StateToCheck, ctx: z.RefinementCtx): void {
  for (const issue of faultIssues(state)) ctx.addIssue({ code: "custom", ...issue });
}
