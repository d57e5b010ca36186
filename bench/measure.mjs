// What several benchmark scripts measure the same way.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const cli = fileURLToPath(new URL("../dist/cli/cli.js", import.meta.url));

/** The value below which `p` percent of `values` fall. */
export const percentile = (values, p) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((p / 100) * values.length))];

/** Milliseconds from spawning the built CLI (on a free port, with `args`) to its banner's last line. */
export function startToReady(args = []) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [cli, "--port", "0", ...args], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (chunk) => {
      out += chunk;
      if (out.includes("  seed")) {
        const ms = performance.now() - started;
        child.kill("SIGTERM");
        child.once("exit", () => resolve(ms));
      }
    });
    child.once("error", reject);
  });
}
