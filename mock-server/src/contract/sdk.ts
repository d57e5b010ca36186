import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import type { DescFile } from "@bufbuild/protobuf";
import { describeFile, type Facts } from "./compare.js";
import { describeV1Module } from "./facts-v1.js";

/** The SDK's package name, written once. */
export const SDK_PACKAGE = "@scalekit-sdk/node";

/**
 * The proto files the mock and the SDK share, and where the SDK keeps each
 * (relative to its package folder).
 */
export const CHECKED_FILES = [
  { path: "scalekit/v1/auth/passwordless.proto", sdkModule: "lib/pkg/grpc/scalekit/v1/auth/passwordless_pb.js", ignoreServices: [] },
  // The SDK's errdetails file has a `Dummy` service that only feeds its OpenAPI docs.
  { path: "scalekit/v1/errdetails/errdetails.proto", sdkModule: "lib/pkg/grpc/scalekit/v1/errdetails/errdetails_pb.js", ignoreServices: ["Dummy"] },
] as const;

export type CheckedFile = (typeof CHECKED_FILES)[number];

/** An installed @scalekit-sdk/node: its folder and version. */
export interface InstalledSdk {
  root: string;
  version: string;
}

/** Thrown when there is no SDK to check, or it cannot be read; the CLI exits 2 on it. */
export class SdkUnavailableError extends Error {}

/** The SDK in a package folder, e.g. `<dir>/node_modules/<alias>` the CLI installed from the registry. */
export function sdkInFolder(root: string): InstalledSdk {
  const manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { name?: string; version?: string };
  if (manifest.name !== SDK_PACKAGE || typeof manifest.version !== "string") throw new SdkUnavailableError(`${root} is not a ${SDK_PACKAGE} package`);
  return { root, version: manifest.version };
}

/**
 * The @scalekit-sdk/node that code in `projectDir` gets, found as Node finds
 * it (node_modules here and in every parent folder).
 */
export function findProjectSdk(projectDir: string): InstalledSdk {
  const dir = resolve(projectDir);
  if (!existsSync(dir)) throw new SdkUnavailableError(`the project folder ${dir} does not exist`);
  const require = createRequire(join(dir, "package.json"));
  let root: string | undefined;
  try {
    root = dirname(require.resolve(`${SDK_PACKAGE}/package.json`));
  } catch {
    // A package that restricts its exports hides package.json: walk up from its main module.
    try {
      for (let at = dirname(require.resolve(SDK_PACKAGE)); dirname(at) !== at; at = dirname(at)) {
        if (existsSync(join(at, "package.json")) && (JSON.parse(readFileSync(join(at, "package.json"), "utf8")) as { name?: string }).name === SDK_PACKAGE) {
          root = at;
          break;
        }
      }
    } catch {
      // Not installed: said below.
    }
  }
  if (root === undefined) {
    throw new SdkUnavailableError(
      `no ${SDK_PACKAGE} is installed for the project in ${dir} (looked in node_modules there and in its parents); install it there, point --project at the folder that has it, or check a published version with --sdk-version X.Y.Z`,
    );
  }
  return sdkInFolder(root);
}

function isDescFile(value: unknown, path: string): value is DescFile {
  return (value as DescFile | undefined)?.kind === "file" && (value as DescFile).proto?.name === path;
}

/**
 * The facts of one checked file as the SDK carries it: its embedded file
 * descriptor (protobuf-es v2, SDK 2.2 on), or its v1 classes and service
 * definition (SDK 2.1). Undefined when the SDK has no such module.
 */
export function sdkFacts(sdk: InstalledSdk, checked: CheckedFile): Facts | undefined {
  const require = createRequire(join(sdk.root, "package.json"));
  const modulePath = join(sdk.root, checked.sdkModule);
  if (!existsSync(modulePath)) return undefined;
  let exported: Record<string, unknown>;
  try {
    exported = require(modulePath) as Record<string, unknown>;
  } catch (error) {
    throw new SdkUnavailableError(`${SDK_PACKAGE} ${sdk.version}: cannot load ${checked.sdkModule}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const options = { ignoreServices: [...checked.ignoreServices] };
  const file = Object.values(exported).find((value) => isDescFile(value, checked.path));
  if (file !== undefined) return describeFile(file as DescFile, options);
  const connectPath = modulePath.replace(/_pb\.js$/, "_connect.js");
  const connect = existsSync(connectPath) ? (require(connectPath) as Record<string, unknown>) : {};
  try {
    return describeV1Module(exported, connect, options);
  } catch (error) {
    throw new SdkUnavailableError(`${SDK_PACKAGE} ${sdk.version}: ${checked.sdkModule} ${error instanceof Error ? error.message : String(error)}`);
  }
}
