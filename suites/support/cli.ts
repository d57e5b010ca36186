import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { packageRoot } from "../../mock-server/src/runtime/package-root.js";

export const ROOT = packageRoot();
/** The built CLI (`npm run build`), as `npm start` runs it. */
/** The CLI as it ships: the bundle `npm run build` writes (bin, npm start, the image). */
export const CLI = join(ROOT, "dist", "cli", "cli.js");

export interface RunningCli {
  url: string;
  clientId: string;
  clientSecret: string;
  child: ChildProcess;
  /** Milliseconds from spawn to the ready banner. */
  readyMs: number;
  output(): string;
  /** Sends a signal and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Starts a command that prints the ready banner, and reads url and credentials from it. */
export function startCli(command: string, args: string[], env: Record<string, string> = {}, timeoutMs = 15_000): Promise<RunningCli> {
  const started = performance.now();
  // Its own process group, so a signal reaches the server even behind `npm start`.
  const child = spawn(command, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"], detached: true });
  let output = "";
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      process.kill(-child.pid!, "SIGKILL");
      reject(new Error(`no ready banner within ${timeoutMs}ms:\n${output}`));
    }, timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const url = /environment url\s+(\S+)/.exec(output)?.[1];
      const clientId = /client id\s+(\S+)/.exec(output)?.[1];
      // A configured secret is not printed: the caller gave it.
      const configured = args.includes("--client-secret") ? args[args.indexOf("--client-secret") + 1] : env.SCALEKIT_MOCK_CLIENT_SECRET;
      const clientSecret = /client secret\s+as configured/.test(output) ? configured : /client secret\s+(\S+) \(derived from the seed\)/.exec(output)?.[1];
      if (url && clientId && clientSecret && /seed\s+\S+/.test(output)) {
        clearTimeout(timer);
        resolve({
          url,
          clientId,
          clientSecret,
          child,
          readyMs: performance.now() - started,
          output: () => output,
          stop: (signal = "SIGTERM") => {
            try {
              process.kill(-child.pid!, signal);
            } catch {
              // Already gone.
            }
            return exited;
          },
        });
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code} before it was ready:\n${output}`));
    });
  });
}

/** Runs the CLI to completion. */
export function runCli(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, env: { ...process.env, ...env } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    child.on("exit", (code) => resolve({ code, stdout, stderr }));
  });
}
