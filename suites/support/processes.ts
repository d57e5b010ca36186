import { readdirSync, readFileSync } from "node:fs";

/** Linux process facts from /proc, for tests that check a server left no process behind. */

/** Fields of /proc/<pid>/stat after the parenthesised command name: state, ppid, … */
function procStat(pid: string | number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  } catch {
    return undefined;
  }
}

/** The processes whose parent is `pid`, such as the workers a server started. */
export function childrenOf(pid: number): number[] {
  return readdirSync("/proc")
    .filter((entry) => /^\d+$/.test(entry) && Number(procStat(entry)?.[1]) === pid)
    .map(Number);
}

/** Whether the process exists and has not exited (a zombie waiting to be reaped has). */
export function isRunning(pid: number): boolean {
  const state = procStat(pid)?.[0];
  return state !== undefined && state !== "Z" && state !== "X";
}

/** Resolves once none of `pids` runs, or after `timeoutMs`. */
export async function waitUntilGone(pids: number[], timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (pids.some(isRunning) && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
}
