import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { parseArgs } from "node:util";
import semver from "semver";
import { packageVersion } from "../runtime/package-root.js";
import { checkSdk, type SdkCheckResult } from "./check.js";
import { applyIgnores } from "./check-ignore.js";
import { exitCode, reportText, type CheckReport } from "./check-report.js";
import { installVersions, publishedVersions, resolveVersion } from "./npm.js";
import { CHECKED_FILES, findProjectSdk, SDK_PACKAGE } from "./sdk.js";
import { verifiedSdkVersions } from "./verified.js";

/**
 * `scalekit-mock check`: the mock's contract against the SDK a project uses,
 * or against versions published on the registry. Exit codes: 0 no
 * difference (but ignored ones), 1 a difference, 2 the check could not run.
 */

const OPTIONS = {
  project: { value: "dir", help: "the project whose @scalekit-sdk/node to check, resolved as Node would from there (default: the current folder)" },
  "sdk-version": { value: "version", help: "check this published version instead (X.Y.Z or latest), installed into a temporary folder with your npm" },
  "sdk-range": { value: "range", help: 'check every published version in this semver range, e.g. ">=2.1"' },
  json: { value: "file", help: "also write the result as JSON to this file (- for stdout; the text report then goes to stderr)" },
  ignore: {
    value: "pattern",
    multiple: true,
    help: "list a difference whose line contains this text (plain, case-sensitive) as ignored, not failing the check; one pattern per flag, repeat the flag for more",
  },
} as const;

export function checkHelpText(): string {
  const flags = Object.entries(OPTIONS).map(([flag, spec]) => `  --${`${flag} <${spec.value}>`.padEnd(24)}${spec.help}`);
  return [
    `scalekit-mock check: does the mock's contract match ${SDK_PACKAGE}?`,
    "",
    "Usage: scalekit-mock check [--project DIR | --sdk-version X.Y.Z|latest | --sdk-range RANGE] [--json FILE|-] [--ignore PATTERN]...",
    "",
    `Compares the proto descriptors the mock is built from (${CHECKED_FILES.map((f) => f.path).join(", ")})`,
    "with the ones the SDK carries: messages, fields, numbers, types, oneofs, enums and services.",
    "",
    "Options:",
    ...flags,
    `  ${"-h, --help".padEnd(26)}show this help`,
    "",
    "Exit codes: 0 no difference, 1 a difference, 2 the check could not run (no SDK in the project,",
    "registry unreachable, unknown version, bad flags). Ignored differences do not count; an --ignore that",
    "matched no difference in any version checked is a warning on stderr, so a stale one gets noticed.",
  ].join("\n");
}

type Request = { kind: "help" } | { kind: "check"; project: string; version?: string; range?: string; json?: string; ignore: string[] };

class UsageError extends Error {}

function parse(argv: string[], cwd: string): Request {
  let values: Record<string, string | string[] | boolean | undefined>;
  try {
    const options = Object.fromEntries(Object.entries(OPTIONS).map(([flag, spec]) => [flag, { type: "string" as const, multiple: "multiple" in spec && spec.multiple }]));
    ({ values } = parseArgs({ args: argv, options: { ...options, help: { type: "boolean", short: "h" } }, strict: true, allowPositionals: false }));
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  if (values.help === true) return { kind: "help" };
  const version = values["sdk-version"] as string | undefined;
  const range = values["sdk-range"] as string | undefined;
  if (version !== undefined && range !== undefined) throw new UsageError("give --sdk-version or --sdk-range, not both");
  if (version !== undefined && semver.valid(version) === null && !/^[a-z][a-z0-9._-]*$/i.test(version)) {
    throw new UsageError(`--sdk-version must be one version (X.Y.Z) or a dist-tag such as latest, got "${version}"; for several use --sdk-range`);
  }
  if (range !== undefined && semver.validRange(range) === null) throw new UsageError(`--sdk-range must be a semver range such as ">=2.1" or "2.x", got "${range}"`);
  const ignore = [...new Set((values.ignore as string[] | undefined) ?? [])];
  // An empty pattern is in every line: it would silently pass any check.
  if (ignore.includes("")) throw new UsageError('--ignore needs a non-empty pattern, e.g. --ignore "errdetails.proto: ResourceInfo."; an empty one would ignore every difference');
  const json = values.json as string | undefined;
  return { kind: "check", project: resolve(cwd, (values.project as string | undefined) ?? "."), ...(version && { version }), ...(range && { range }), ...(json && { json }), ignore };
}

/** Which SDKs to check, and checks them; throws when it cannot. */
async function run(request: Extract<Request, { kind: "check" }>, progress: (line: string) => void): Promise<SdkCheckResult[]> {
  if (request.version === undefined && request.range === undefined) return [checkSdk(findProjectSdk(request.project), "project")];
  let versions: string[];
  if (request.version !== undefined) {
    versions = [await resolveVersion(request.version, request.project)];
  } else {
    const published = await publishedVersions(request.project);
    versions = published.filter((v) => semver.valid(v) !== null && semver.satisfies(v, request.range!));
    if (versions.length === 0) throw new UsageError(`no published version of ${SDK_PACKAGE} is in the range "${request.range}" (published: ${published.join(", ")})`);
  }
  progress(`installing ${SDK_PACKAGE} ${versions.join(", ")} from the registry into a temporary folder…`);
  const installed = await installVersions(versions, request.project);
  try {
    return installed.sdks.map((sdk) => checkSdk(sdk, "registry"));
  } finally {
    installed.remove();
  }
}

export interface CheckIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  cwd: string;
}

/** Runs `scalekit-mock check <argv>` and resolves with its exit code. */
export async function runCheckCommand(argv: string[], io: CheckIo = { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd() }): Promise<number> {
  let request: Request;
  try {
    request = parse(argv, io.cwd);
  } catch (error) {
    io.stderr.write(`scalekit-mock check: ${(error as Error).message}\nRun scalekit-mock check --help for the options.\n`);
    return 2;
  }
  if (request.kind === "help") {
    io.stdout.write(`${checkHelpText()}\n`);
    return 0;
  }
  const report: CheckReport = {
    mock: { name: "scalekit-mock", version: packageVersion(), verifiedWith: verifiedSdkVersions() },
    contractFiles: CHECKED_FILES.map((f) => f.path),
    sdks: [],
    ok: false,
  };
  const text = request.json === "-" ? io.stderr : io.stdout;
  let unmatched: string[] = [];
  try {
    ({ sdks: report.sdks, unmatched } = applyIgnores(await run(request, (line) => io.stderr.write(`${line}\n`)), request.ignore));
    report.ok = report.sdks.every((s) => s.ok);
  } catch (error) {
    report.error = error instanceof Error ? error.message : String(error);
  }
  text.write(reportText(report));
  if (report.error !== undefined) io.stderr.write(`scalekit-mock check: ${report.error}\n`);
  // A warning, not a failure: the SDK moved on (an upgrade fixed what was ignored), and the flag can go.
  for (const pattern of unmatched) io.stderr.write(`scalekit-mock check: warning: --ignore "${pattern}" matched no difference: remove it\n`);
  if (request.json !== undefined) {
    const json = `${JSON.stringify(report, null, 2)}\n`;
    if (request.json === "-") io.stdout.write(json);
    else {
      mkdirSync(dirname(resolve(io.cwd, request.json)), { recursive: true });
      writeFileSync(resolve(io.cwd, request.json), json);
    }
  }
  return exitCode(report);
}
