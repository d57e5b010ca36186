import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fromBinary, toBinary } from "@bufbuild/protobuf";
import { FileDescriptorProtoSchema } from "@bufbuild/protobuf/wkt";
import { afterAll, describe, expect, it } from "vitest";
import { ROOT, runCli } from "./support/cli.js";
import { registrySkipReason } from "./support/registry.js";

/**
 * `scalekit-mock check` as a user runs it in CI: the built CLI against the
 * SDK of a project, and against versions installed from the registry (these
 * skip with the reason printed when the registry does not answer; with
 * CI=true they fail).
 */

const manifest = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string; devDependencies: Record<string, string> };
const sdkVersion = manifest.devDependencies["@scalekit-sdk/node"]!;
const CONTRACT_FILES = ["scalekit/v1/auth/passwordless.proto", "scalekit/v1/errdetails/errdetails.proto"];
const SDK_2_1_5_DIFFERENCES = [
  "scalekit/v1/errdetails/errdetails.proto: ResourceInfo.resource_type: missing in ours (in SDK: number 1, type string, optional false, oneof (none), json_name resourceType)",
  "scalekit/v1/errdetails/errdetails.proto: ResourceInfo.required_permissions: only in ours, not in SDK",
  "scalekit/v1/errdetails/errdetails.proto: ResourceInfo.user: only in ours, not in SDK",
];

const made: string[] = [];
const tempDir = (name: string) => {
  const dir = mkdtempSync(join(tmpdir(), `scalekit-mock-${name}-`));
  made.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

/**
 * A project whose installed SDK is the real one with SendPasswordlessRequest.expires_in
 * renumbered from 5 to 7 in its embedded descriptor, as a future SDK that broke the wire would be
 * (and, given, more fields of that message renumbered: name to [number, new number]).
 */
function projectWithRenumberedField(renumber: Record<string, [number, number]> = { expires_in: [5, 7] }): string {
  const project = tempDir("check-project");
  writeFileSync(join(project, "package.json"), JSON.stringify({ name: "app", private: true, dependencies: { "@scalekit-sdk/node": sdkVersion } }));
  const sdk = join(project, "node_modules", "@scalekit-sdk", "node");
  cpSync(join(ROOT, "node_modules", "@scalekit-sdk", "node"), sdk, { recursive: true });
  symlinkSync(join(ROOT, "node_modules", "@bufbuild"), join(project, "node_modules", "@bufbuild"), "dir");
  const module = join(sdk, "lib", "pkg", "grpc", "scalekit", "v1", "auth", "passwordless_pb.js");
  const source = readFileSync(module, "utf8");
  const embedded = /fileDesc\)\("([^"]+)"/.exec(source)![1]!;
  const file = fromBinary(FileDescriptorProtoSchema, Buffer.from(embedded, "base64"));
  for (const [name, [from, to]] of Object.entries(renumber)) {
    const field = file.messageType.find((m) => m.name === "SendPasswordlessRequest")!.field.find((f) => f.name === name)!;
    expect(field.number).toBe(from);
    field.number = to;
  }
  writeFileSync(module, source.replace(embedded, Buffer.from(toBinary(FileDescriptorProtoSchema, file)).toString("base64")));
  mkdirSync(join(project, "src"));
  return project;
}

interface Report {
  mock: { name: string; version: string; verifiedWith: string[] };
  contractFiles: string[];
  sdks: { version: string; source: string; differences: string[]; ignored: string[]; ok: boolean }[];
  ok: boolean;
  error?: string;
}

const readReport = (path: string) => JSON.parse(readFileSync(path, "utf8")) as Report;

describe("scalekit-mock check against a project's SDK", () => {
  it("finds no difference between the mock's contract and the repository's own SDK, and exits 0", async () => {
    const result = await runCli(["check", "--project", ROOT]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`@scalekit-sdk/node ${sdkVersion} (project): no difference`);
  });

  it("reports a renumbered field of the SDK the project resolves, in the drift check's words, exits 1 and writes the JSON report", async () => {
    const project = projectWithRenumberedField();
    const json = join(tempDir("check-json"), "reports", "sdk-check.json");
    // From a subfolder, as Node resolves: node_modules of the parent folder.
    const result = await runCli(["check", "--project", join(project, "src"), "--json", json]);
    expect(result.code).toBe(1);
    const line = "scalekit/v1/auth/passwordless.proto: SendPasswordlessRequest.expires_in: number 5 in ours, 7 in SDK";
    expect(result.stdout).toContain(`@scalekit-sdk/node ${sdkVersion} (project): 1 difference(s)`);
    expect(result.stdout).toContain(`  - ${line}\n`);
    expect(readReport(json)).toEqual({
      mock: { name: "scalekit-mock", version: manifest.version, verifiedWith: expect.arrayContaining([sdkVersion]) },
      contractFiles: CONTRACT_FILES,
      sdks: [{ version: sdkVersion, source: "project", differences: [line], ignored: [], ok: false }],
      ok: false,
    });
  });

  it("exits 2 and says what to do when the project has no SDK installed", async () => {
    const empty = tempDir("check-empty");
    const json = join(empty, "report.json");
    const result = await runCli(["check", "--project", empty, "--json", json]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`no @scalekit-sdk/node is installed for the project in ${empty}`);
    expect(result.stderr).toContain("--sdk-version");
    expect(readReport(json)).toMatchObject({ sdks: [], ok: false, error: expect.stringContaining("no @scalekit-sdk/node") });
  });

  it("exits 2 with the cause when the npm registry cannot be reached", async () => {
    const result = await runCli(["check", "--sdk-version", "2.6.0"], { npm_config_registry: "http://127.0.0.1:9/", npm_config_fetch_retries: "0" });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("ECONNREFUSED");
    expect(result.stderr).toContain("the npm registry cannot be reached");
  });

  it.each([
    [["--sdk-version", "2.1.5", "--sdk-range", ">=2"], "not both"],
    [["--sdk-version", "2.1"], "--sdk-version must be one version"],
    [["--sdk-range", "not a range"], "--sdk-range must be a semver range"],
    [["--bogus"], "Unknown option"],
    [["--ignore", ""], "--ignore needs a non-empty pattern"],
  ])("exits 2 for the bad flags %j", async (args, message) => {
    const result = await runCli(["check", ...args]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
  });

  it("describes its flags and exit codes in --help", async () => {
    const result = await runCli(["check", "--help"]);
    expect(result.code).toBe(0);
    for (const word of ["--project", "--sdk-version", "--sdk-range", "--json", "--ignore <pattern>", "Exit codes: 0 no difference, 1 a difference, 2"]) expect(result.stdout).toContain(word);
  });
});

describe("scalekit-mock check --ignore", () => {
  const RENUMBERED = "scalekit/v1/auth/passwordless.proto: SendPasswordlessRequest.expires_in: number 5 in ours, 7 in SDK";

  it("lists a difference an --ignore pattern matches under ignored, in the text and the JSON report, and exits 0", async () => {
    const project = projectWithRenumberedField();
    const json = join(tempDir("check-json"), "sdk-check.json");
    const result = await runCli(["check", "--project", project, "--ignore", "SendPasswordlessRequest.expires_in: number", "--json", json]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`@scalekit-sdk/node ${sdkVersion} (project): no difference but 1 ignored`);
    expect(result.stdout).toContain(`\n  ignored (1):\n    - ${RENUMBERED}\n`);
    expect(result.stdout).not.toContain("difference(s)");
    expect(readReport(json)).toMatchObject({
      sdks: [{ version: sdkVersion, source: "project", differences: [], ignored: [RENUMBERED], ok: true }],
      ok: true,
    });
  });

  it("matches a plain, case-sensitive substring, not a pattern of another case", async () => {
    const project = projectWithRenumberedField();
    const result = await runCli(["check", "--project", project, "--ignore", "sendpasswordlessrequest.expires_in", "--json", "-"]);
    expect(result.code).toBe(1);
    expect((JSON.parse(result.stdout) as Report).sdks[0]).toMatchObject({ differences: [RENUMBERED], ignored: [] });
  });

  it("still exits 1 when --ignore matches only some of the differences, listing the real ones first", async () => {
    const project = projectWithRenumberedField({ expires_in: [5, 7], state: [4, 9] });
    const other = "scalekit/v1/auth/passwordless.proto: SendPasswordlessRequest.state: number 4 in ours, 9 in SDK";
    const result = await runCli(["check", "--project", project, "--ignore", "expires_in", "--json", "-"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`@scalekit-sdk/node ${sdkVersion} (project): 1 difference(s)`);
    expect(result.stderr).toContain(`  - ${other}\n  ignored (1):\n    - ${RENUMBERED}\n`);
    const report = JSON.parse(result.stdout) as Report;
    expect(report.sdks).toEqual([{ version: sdkVersion, source: "project", differences: [other], ignored: [RENUMBERED], ok: false }]);
    expect(report.ok).toBe(false);
  });

  it.each([
    ["exit 1 of a project with a difference", projectWithRenumberedField, 1],
    ["exit 0 of a project without one", () => ROOT, 0],
  ])("warns on stderr about an --ignore pattern that matched no difference, keeping the %s", async (_, project, code) => {
    const result = await runCli(["check", "--project", project(), "--ignore", "ResourceInfo."]);
    expect(result.code).toBe(code);
    expect(result.stderr).toBe('scalekit-mock check: warning: --ignore "ResourceInfo." matched no difference: remove it\n');
    expect(result.stdout).not.toContain("ignored");
  });
});

describe("the docs of scalekit-mock check", () => {
  const readme = readFileSync(join(ROOT, "README.md"), "utf8");
  const doc = readFileSync(join(ROOT, "docs", "sdk-check.md"), "utf8");

  it("name the SDK versions package.json says the suites run, wherever they say what the mock is verified with", () => {
    const oldest = manifest.devDependencies["scalekit-sdk-node-oldest"]!.replace("npm:@scalekit-sdk/node@", "");
    const claims = [...`${readme}\n${doc}`.matchAll(/verified with @scalekit-sdk\/node ([\d.]+) and ([\d.]+)/g)].map((m) => `${m[1]} and ${m[2]}`);
    expect(claims.length).toBeGreaterThanOrEqual(3);
    expect(new Set(claims)).toEqual(new Set([`${oldest} and ${sdkVersion}`]));
    expect(readme).toContain("(docs/sdk-check.md)");
  });

  it("show the example workflow word for word, and it runs the weekly check of the newest SDK", () => {
    const workflow = readFileSync(join(ROOT, "examples", "github-actions", "sdk-check.yml"), "utf8");
    const shown = /```yaml\n([\s\S]*?)```/.exec(doc.slice(doc.indexOf("## A weekly job")))![1];
    expect(shown).toBe(workflow);
    expect(workflow).toContain("run: npx scalekit-mock check --sdk-version latest --json reports/sdk-check.json");
    expect(workflow).toMatch(/schedule:\n\s+- cron: "[^"]+"/);
    expect(workflow).toContain("actions/upload-artifact@");
  });

  it("give a project on SDK 2.1.x --ignore flags that pass its check, the three ResourceInfo lines listed as ignored as shown", async () => {
    const known = doc.slice(doc.indexOf("## Known differences: SDK 2.1.x"), doc.indexOf("## A weekly job"));
    const command = /```bash\nnpx scalekit-mock check (.*)\n```/.exec(known)![1]!;
    const patterns = [...command.matchAll(/--ignore "([^"]+)"/g)].map((m) => m[1]!);
    expect(command).toBe(patterns.map((p) => `--ignore "${p}"`).join(" "));
    // The oldest SDK the suites run, installed as a 2.1.x project has it.
    const project = tempDir("check-2.1");
    mkdirSync(join(project, "node_modules", "@scalekit-sdk"), { recursive: true });
    symlinkSync(join(ROOT, "node_modules", "scalekit-sdk-node-oldest"), join(project, "node_modules", "@scalekit-sdk", "node"), "dir");
    const result = await runCli(["check", "--project", project, ...patterns.flatMap((p) => ["--ignore", p]), "--json", join(project, "report.json")]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(readReport(join(project, "report.json")).sdks).toEqual([{ version: "2.1.5", source: "project", differences: [], ignored: SDK_2_1_5_DIFFERENCES, ok: true }]);
    const shown = /```\n(@scalekit-sdk\/node 2\.1\.5 [\s\S]*?)```/.exec(known)![1]!;
    expect(result.stdout).toContain(shown);
  });

  it("describe the JSON report with the keys the CLI writes", async () => {
    const shown = JSON.parse(/```json\n([\s\S]*?)```/.exec(doc)![1]!) as Report;
    const written = JSON.parse((await runCli(["check", "--project", ROOT, "--json", "-"])).stdout) as Report;
    expect(Object.keys(shown)).toEqual(Object.keys(written));
    expect(Object.keys(shown.mock)).toEqual(Object.keys(written.mock));
    expect(Object.keys(shown.sdks[0]!)).toEqual(Object.keys(written.sdks[0]!));
    expect(Object.keys(written.sdks[0]!)).toContain("ignored");
    expect(shown.contractFiles).toEqual(written.contractFiles);
  });
});

const offline = await registrySkipReason();

describe.skipIf(offline !== undefined)("scalekit-mock check against published SDK versions", () => {
  it("installs 2.1.5 into a temporary folder, reports its older errdetails, exits 1 and removes the folder", async () => {
    const tmp = tempDir("check-tmp");
    const result = await runCli(["check", "--sdk-version", "2.1.5", "--json", "-"], { TMPDIR: tmp });
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as Report;
    expect(report).toEqual({
      mock: { name: "scalekit-mock", version: manifest.version, verifiedWith: expect.arrayContaining(["2.1.5"]) },
      contractFiles: CONTRACT_FILES,
      sdks: [{ version: "2.1.5", source: "registry", differences: SDK_2_1_5_DIFFERENCES, ignored: [], ok: false }],
      ok: false,
    });
    // With --json -, the text report goes to stderr.
    expect(result.stderr).toContain("@scalekit-sdk/node 2.1.5 (registry): 3 difference(s)");
    expect(readdirSync(tmp)).toEqual([]);
  });

  it("checks every published version in a range and sums them up, exiting 0 when all match", async () => {
    const result = await runCli(["check", "--sdk-range", ">=2.10 <2.12"]);
    expect(result.code).toBe(0);
    const summary = result.stdout.slice(result.stdout.indexOf("summary:"));
    expect(summary).toMatch(/^summary: \d+ versions checked, all match the mock\n/);
    expect(summary).toMatch(/\n {2}2\.10\.0 +ok\n/);
    expect(summary).toMatch(new RegExp(`\\n {2}${sdkVersion.replaceAll(".", "\\.")} +ok\\n`));
  });

  it("sums up a range of 2.1.x versions whose only differences are the ignored ResourceInfo ones, exiting 0", async () => {
    const result = await runCli(["check", "--sdk-range", ">=2.1.5 <2.1.8", "--ignore", "errdetails.proto: ResourceInfo."]);
    expect(result.code).toBe(0);
    const summary = result.stdout.slice(result.stdout.indexOf("summary:"));
    expect(summary).toBe("summary: 2 versions checked, all match the mock (apart from ignored differences)\n  2.1.5  ok, 3 ignored\n  2.1.7  ok, 3 ignored\n");
  });

  it("exits 2 for a version the registry does not have", async () => {
    const result = await runCli(["check", "--sdk-version", "9.99.0"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("has no such published version");
  });
});
