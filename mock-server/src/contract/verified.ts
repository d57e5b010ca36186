import { readFileSync } from "node:fs";
import { join } from "node:path";
import { packageRoot } from "../runtime/package-root.js";
import { SDK_PACKAGE } from "./sdk.js";

/**
 * The SDK versions this release of the mock was tested against: the ones
 * its own test suites install, read from the devDependencies of the
 * package.json that ships with it (the SDK itself, and aliases such as
 * `"scalekit-sdk-node-oldest": "npm:@scalekit-sdk/node@2.1.5"`). Written
 * once there, so `--version`, `check` and the README cannot disagree.
 */
export function verifiedSdkVersions(): string[] {
  const manifest = JSON.parse(readFileSync(join(packageRoot(), "package.json"), "utf8")) as { devDependencies?: Record<string, string> };
  const versions = new Set<string>();
  for (const [name, spec] of Object.entries(manifest.devDependencies ?? {})) {
    const exact = name === SDK_PACKAGE ? spec : spec.startsWith(`npm:${SDK_PACKAGE}@`) ? spec.slice(`npm:${SDK_PACKAGE}@`.length) : undefined;
    if (exact !== undefined && /^\d+\.\d+\.\d+$/.test(exact)) versions.add(exact);
  }
  const parts = (v: string) => v.split(".").map(Number);
  return [...versions].sort((a, b) => {
    const [x, y] = [parts(a), parts(b)];
    return x[0]! - y[0]! || x[1]! - y[1]! || x[2]! - y[2]!;
  });
}

/** `0.1.0 (verified with @scalekit-sdk/node 2.1.5 and 2.11.0)`: the bare version first, for scripts. */
export function versionLine(version: string): string {
  const verified = verifiedSdkVersions();
  if (verified.length === 0) return version;
  const list = verified.length === 1 ? verified[0]! : `${verified.slice(0, -1).join(", ")} and ${verified.at(-1)!}`;
  return `${version} (verified with ${SDK_PACKAGE} ${list})`;
}
