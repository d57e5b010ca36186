import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { createFileRegistry, fromBinary, type DescFile } from "@bufbuild/protobuf";
import { FileDescriptorSetSchema } from "@bufbuild/protobuf/wkt";
import { packageRoot } from "../../mock-server/src/runtime/package-root.js";
import { compareFacts, compareFiles, describeFile } from "../../mock-server/src/contract/compare.js";
import { CHECKED_FILES, findProjectSdk, sdkFacts } from "../../mock-server/src/contract/sdk.js";

/**
 * The drift check: our proto files against the descriptors the installed
 * @scalekit-sdk/node embeds, and our generated code against our proto files.
 * The comparison itself is the one `scalekit-mock check` runs
 * (mock-server/src/contract/), so both report in the same words.
 */

/** Compiles a folder of proto files with buf and returns their descriptors by path. */
export function buildProtos(protoDir: string): Map<string, DescFile> {
  const root = packageRoot();
  const out = mkdtempSync(join(tmpdir(), "scalekit-mock-drift-"));
  try {
    const image = join(out, "image.binpb");
    try {
      execFileSync(join(root, "node_modules", ".bin", "buf"), ["build", ".", "-o", image], { cwd: resolve(protoDir), stdio: ["ignore", "ignore", "pipe"] });
    } catch (error) {
      const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim();
      throw new Error(`buf could not compile the proto files in ${protoDir}: ${stderr || String(error)}`);
    }
    const registry = createFileRegistry(fromBinary(FileDescriptorSetSchema, readFileSync(image)));
    const files = new Map<string, DescFile>();
    for (const file of registry.files) files.set(file.name + ".proto", file);
    return files;
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

export interface DriftReport {
  sdkVersion: string;
  differences: string[];
}

/** Compares the proto files in `protoDir` with the installed SDK's descriptors. */
export function checkAgainstSdk(protoDir: string): DriftReport {
  const sdk = findProjectSdk(packageRoot());
  const ours = buildProtos(protoDir);
  const differences: string[] = [];
  for (const checked of CHECKED_FILES) {
    const mine = ours.get(checked.path);
    if (mine === undefined) {
      differences.push(`${checked.path}: missing in ours`);
      continue;
    }
    const theirs = sdkFacts(sdk, checked);
    if (theirs === undefined) throw new Error(`@scalekit-sdk/node ${sdk.version} no longer has ${checked.sdkModule}`);
    for (const line of compareFacts(describeFile(mine, { ignoreServices: [...checked.ignoreServices] }), theirs)) {
      differences.push(`${checked.path}: ${line}`);
    }
  }
  return { sdkVersion: sdk.version, differences };
}

/** Compares the generated code with the proto files it should come from. */
export async function checkGenerated(protoDir: string): Promise<string[]> {
  const ours = buildProtos(protoDir);
  const generated: DescFile[] = [
    (await import("../../mock-server/src/grpc/gen/scalekit/v1/auth/passwordless_pb.js")).file_scalekit_v1_auth_passwordless,
    (await import("../../mock-server/src/grpc/gen/scalekit/v1/errdetails/errdetails_pb.js")).file_scalekit_v1_errdetails_errdetails,
    (await import("../../mock-server/src/grpc/gen/google/rpc/status_pb.js")).file_google_rpc_status,
  ];
  const differences: string[] = [];
  for (const file of generated) {
    const source = ours.get(`${file.name}.proto`);
    if (source === undefined) {
      differences.push(`${file.name}.proto: generated, but no longer in contracts/proto`);
      continue;
    }
    for (const line of compareFiles(file, source, { theirName: "contracts/proto (run npm run generate)" })) differences.push(`${file.name}.proto: ${line}`);
  }
  return differences;
}

export function defaultProtoDir(): string {
  return join(packageRoot(), "contracts", "proto");
}

async function main(): Promise<void> {
  const protoDir = resolve(process.argv[2] ?? defaultProtoDir());
  const report = checkAgainstSdk(protoDir);
  const stale = protoDir === defaultProtoDir() ? await checkGenerated(protoDir) : [];
  const all = [...report.differences, ...stale];
  if (all.length > 0) {
    process.stderr.write(`contracts:check: ${all.length} difference(s) between ${protoDir} and @scalekit-sdk/node ${report.sdkVersion}:\n`);
    for (const line of all) process.stderr.write(`  - ${line}\n`);
    process.exit(1);
  }
  process.stdout.write(`contracts:check: ${CHECKED_FILES.map((f) => f.path).join(", ")} match @scalekit-sdk/node ${report.sdkVersion}; generated code is up to date\n`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  await main().catch((error: unknown) => {
    process.stderr.write(`contracts:check: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(2);
  });
}
