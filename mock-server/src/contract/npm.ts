import { execFile } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { SDK_PACKAGE, SdkUnavailableError, sdkInFolder, type InstalledSdk } from "./sdk.js";

/**
 * The registry side of `scalekit-mock check`: which versions of the SDK are
 * published, and installing some into a temporary folder. It runs the
 * user's own npm (the one that started us, else the one on PATH), so their
 * registry, proxy and auth settings apply; errors say what npm said.
 */

interface NpmRun {
  file: string;
  prefix: string[];
  shell: boolean;
}

/** The npm that ran us (`npx`, `npm exec`, `npm run`), else the one on PATH. */
function npm(): NpmRun {
  const execPath = process.env.npm_execpath;
  if (execPath !== undefined && /^npm-cli\.[cm]?js$/.test(basename(execPath)) && existsSync(execPath)) return { file: process.execPath, prefix: [execPath], shell: false };
  if (process.platform !== "win32") return { file: "npm", prefix: [], shell: false };
  // Windows: npm is a .cmd script that needs a shell; its JavaScript entry sits next to node.exe.
  const bundled = join(dirname(process.execPath), "node_modules", "npm", "bin", "npm-cli.js");
  return existsSync(bundled) ? { file: process.execPath, prefix: [bundled], shell: false } : { file: "npm.cmd", prefix: [], shell: true };
}

interface NpmResult {
  stdout: string;
  stderr: string;
}

function runNpm(args: string[], cwd: string): Promise<NpmResult> {
  const { file, prefix, shell } = npm();
  return new Promise((resolve, reject) => {
    execFile(file, [...prefix, ...args], { cwd, shell, maxBuffer: 32 * 1024 * 1024, env: process.env }, (error, stdout, stderr) => {
      if (error === null) return resolve({ stdout, stderr });
      const spawnFailed = (error as NodeJS.ErrnoException).code === "ENOENT";
      reject(new SdkUnavailableError(spawnFailed ? `cannot run npm (${file}): is it installed and on PATH?` : `npm ${args.slice(0, 2).join(" ")} failed: ${npmReason(stdout, stderr)}`));
    });
  });
}

/** What went wrong, in npm's words, plus a hint for the usual cause. */
function npmReason(stdout: string, stderr: string): string {
  let summary: string | undefined;
  let code: string | undefined;
  try {
    const parsed = JSON.parse(stdout) as { error?: { code?: string; summary?: string } };
    ({ code, summary } = parsed.error ?? {});
  } catch {
    // Not JSON (npm install): read its error lines.
  }
  const lines = stderr.split("\n").filter((line) => /^npm (ERR!|error) /.test(line)).map((line) => line.replace(/^npm (ERR!|error) /, "").trim());
  code ??= lines.find((line) => line.startsWith("code "))?.slice(5);
  summary ??= lines.filter((line) => line !== "" && !line.startsWith("code ") && !line.startsWith("A complete log")).slice(0, 3).join("; ");
  const hint =
    code === "E404" || code === "ETARGET"
      ? `; ${SDK_PACKAGE} has no such published version (npm view ${SDK_PACKAGE} versions lists them)`
      : /^(ENOTFOUND|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EAI_AGAIN|EPROXY|ENETUNREACH)$/.test(code ?? "")
        ? "; the npm registry cannot be reached: check the network and npm config get registry"
        : "";
  return `${code === undefined ? "" : `${code}: `}${summary || "no error message"}${hint}`;
}

function parseJson(stdout: string, what: string): unknown {
  try {
    return JSON.parse(stdout);
  } catch {
    throw new SdkUnavailableError(`npm answered ${what} with something that is not JSON: ${stdout.slice(0, 200)}`);
  }
}

/** Every published version of the SDK, oldest first (npm's order). */
export async function publishedVersions(cwd: string): Promise<string[]> {
  const parsed = parseJson((await runNpm(["view", SDK_PACKAGE, "versions", "--json"], cwd)).stdout, "the list of versions");
  // One published version comes back as a plain string.
  return (Array.isArray(parsed) ? parsed : [parsed]).filter((v): v is string => typeof v === "string");
}

/** The exact version a version or dist-tag (`latest`) names on the registry. */
export async function resolveVersion(spec: string, cwd: string): Promise<string> {
  const { stdout } = await runNpm(["view", `${SDK_PACKAGE}@${spec}`, "version", "--json"], cwd);
  if (stdout.trim() === "") throw new SdkUnavailableError(`${SDK_PACKAGE} has no published version ${spec} (npm view ${SDK_PACKAGE} versions lists them)`);
  const parsed = parseJson(stdout, `${SDK_PACKAGE}@${spec}`);
  if (typeof parsed !== "string") throw new SdkUnavailableError(`${spec} names more than one version of ${SDK_PACKAGE}; give one version (X.Y.Z or latest), or use --sdk-range`);
  return parsed;
}

/** SDKs installed into a temporary folder; `remove` deletes it. */
export interface TemporaryInstall {
  sdks: InstalledSdk[];
  remove(): void;
}

/**
 * Installs the given exact versions side by side in one npm run (each under
 * an alias, `sdk-<version>`), without scripts, audit or lock file. A project
 * .npmrc is copied along, so a project-level registry still applies.
 */
export async function installVersions(versions: readonly string[], projectDir: string): Promise<TemporaryInstall> {
  const dir = mkdtempSync(join(tmpdir(), "scalekit-mock-check-"));
  const remove = () => rmSync(dir, { recursive: true, force: true });
  try {
    if (existsSync(join(projectDir, ".npmrc"))) copyFileSync(join(projectDir, ".npmrc"), join(dir, ".npmrc"));
    const specs = versions.map((v) => `sdk-${v}@npm:${SDK_PACKAGE}@${v}`);
    await runNpm(["install", "--prefix", dir, "--no-save", "--ignore-scripts", "--no-audit", "--no-fund", "--no-package-lock", "--loglevel", "error", ...specs], dir);
    return { sdks: versions.map((v) => sdkInFolder(join(dir, "node_modules", `sdk-${v}`))), remove };
  } catch (error) {
    remove();
    throw error;
  }
}
