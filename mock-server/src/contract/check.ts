import type { DescFile } from "@bufbuild/protobuf";
import { file_scalekit_v1_auth_passwordless } from "../grpc/gen/scalekit/v1/auth/passwordless_pb.js";
import { file_scalekit_v1_errdetails_errdetails } from "../grpc/gen/scalekit/v1/errdetails/errdetails_pb.js";
import { compareFacts, describeFile } from "./compare.js";
import { CHECKED_FILES, sdkFacts, type CheckedFile, type InstalledSdk } from "./sdk.js";

/**
 * The mock's contract (the descriptors its gRPC and REST code is generated
 * from) against an installed SDK. No proto compiler runs: both sides are read
 * from the JavaScript that carries them.
 */

const MOCK_FILES: readonly DescFile[] = [file_scalekit_v1_auth_passwordless, file_scalekit_v1_errdetails_errdetails];

/** The descriptor the mock is built from for a checked file. */
export function mockFile(path: CheckedFile["path"]): DescFile {
  const file = MOCK_FILES.find((f) => `${f.name}.proto` === path);
  if (file === undefined) throw new Error(`the mock has no generated descriptor of ${path}`);
  return file;
}

export type SdkSource = "project" | "registry";

export interface SdkCheckResult {
  version: string;
  source: SdkSource;
  /** One line per difference, in the words of `npm run contracts:check`, prefixed by the proto file. */
  differences: string[];
  ok: boolean;
}

/** Compares the mock's contract with one installed SDK, file by file. */
export function checkSdk(sdk: InstalledSdk, source: SdkSource): SdkCheckResult {
  const differences: string[] = [];
  for (const checked of CHECKED_FILES) {
    const theirs = sdkFacts(sdk, checked);
    if (theirs === undefined) {
      differences.push(`${checked.path}: missing in SDK (it has no ${checked.sdkModule})`);
      continue;
    }
    const ours = describeFile(mockFile(checked.path), { ignoreServices: [...checked.ignoreServices] });
    for (const line of compareFacts(ours, theirs)) differences.push(`${checked.path}: ${line}`);
  }
  return { version: sdk.version, source, differences, ok: differences.length === 0 };
}
