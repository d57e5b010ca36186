import { execFile } from "node:child_process";

/**
 * Whether the npm registry answers, for the tests of `scalekit-mock check
 * --sdk-version/--sdk-range` that install published SDK versions. Elsewhere
 * they skip with the reason printed; with CI=true an unreachable registry is
 * an error: CI must run these tests.
 */
export async function registrySkipReason(timeoutMs = 20_000): Promise<string | undefined> {
  const reason = await new Promise<string | undefined>((resolve) => {
    execFile("npm", ["view", "@scalekit-sdk/node", "version"], { timeout: timeoutMs }, (error, stdout, stderr) => {
      if (error === null && /^\d+\.\d+\.\d+/.test(stdout.trim())) return resolve(undefined);
      const said = (stderr || error?.message || stdout).trim().split("\n")[0];
      resolve(`the npm registry does not answer npm view @scalekit-sdk/node version within ${timeoutMs / 1000}s (${said})`);
    });
  });
  if (reason === undefined) return undefined;
  if (process.env.CI === "true") throw new Error(`the registry tests of scalekit-mock check must run in CI: ${reason}`);
  console.warn(`skipping the registry tests of scalekit-mock check: ${reason}`);
  return reason;
}
