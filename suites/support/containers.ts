import { existsSync } from "node:fs";
import { GenericContainer, getContainerRuntimeClient } from "testcontainers";
import { ROOT } from "./cli.js";

const PODMAN_SOCKET = "/run/podman/podman.sock";

/**
 * Whether a container engine answers. Finds the podman socket that
 * `../shared/containers/setup-podman.sh` starts when DOCKER_HOST is not set.
 */
export async function containerEngine(): Promise<{ available: true } | { available: false; reason: string }> {
  if (!process.env.DOCKER_HOST && existsSync(PODMAN_SOCKET)) {
    process.env.DOCKER_HOST = `unix://${PODMAN_SOCKET}`;
    process.env.TESTCONTAINERS_RYUK_DISABLED ??= "true";
    process.env.TESTCONTAINERS_HOST_OVERRIDE ??= "127.0.0.1";
  }
  try {
    await getContainerRuntimeClient();
    return { available: true };
  } catch (error) {
    return { available: false, reason: `no container engine answers (${(error as Error).message.split("\n")[0]}); run setup-podman.sh or start Docker` };
  }
}

/**
 * The reason container tests cannot run here, or undefined when they can.
 * With CI=true a missing engine is an error: CI must run these tests.
 */
export async function containerSkipReason(): Promise<string | undefined> {
  const engine = await containerEngine();
  if (engine.available) return undefined;
  if (process.env.CI) throw new Error(`container tests must run in CI: ${engine.reason}`);
  console.warn(`skipping container tests: ${engine.reason}`);
  return engine.reason;
}

/** Builds the repository's Dockerfile under `tag` through the engine; resolves with the build time. */
export async function buildImage(tag: string): Promise<number> {
  const started = performance.now();
  await GenericContainer.fromDockerfile(ROOT).build(tag, { deleteOnExit: false });
  return performance.now() - started;
}
