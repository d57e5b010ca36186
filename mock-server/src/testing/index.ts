/**
 * Vitest helpers. `useMockScalekit()` gives the calling test file an
 * environment of its own (credentials, inbox, clock, settings, faults) on a
 * mock server shared by every file of the same worker. Files never see each
 * other's mail, even when they share a worker (`isolate: false`), and nothing
 * needs cleaning up by hand: the environment is reset before each test and
 * deleted after the file, and the server closes a second after its last file.
 */
import { afterAll, beforeAll, beforeEach } from "vitest";
import { EnvironmentError } from "../domain/environment-error.js";
import { fileEnvironmentId } from "./file-environment-id.js";
import { createMockScalekit, type MockEnvironment, type MockScalekit, type MockScalekitOptions, type NewEnvironmentOptions } from "../index.js";

export interface UseMockOptions extends NewEnvironmentOptions {
  /** Reset auth requests, mail, faults, settings and clock before each test. Default true. */
  resetBeforeEach?: boolean;
  /**
   * Start a server for this file alone, with these options (a fixed port, an
   * admin token, an SMTP relay…), instead of sharing the worker's server. The
   * file then gets that server's default environment.
   */
  server?: MockScalekitOptions;
}

/** The test file's environment, plus the URL to give the SDK. */
export interface MockScalekitEnvironment extends MockEnvironment {
  /** `SCALEKIT_ENVIRONMENT_URL` for the SDK or any HTTP client. */
  url: string;
  /** The server the environment lives on (shared with the worker's other files unless `server` was given). */
  server: MockScalekit;
}

interface WorkerServer {
  mock: Promise<MockScalekit>;
  users: number;
  closing?: ReturnType<typeof setTimeout>;
}

/** How long the worker's server outlives its last file, so the worker's next file (`isolate: false`) finds it running. */
const SHARED_GRACE_MS = 1_000;

const WORKER_KEY = Symbol.for("scalekit-mock.testing.worker-server");
type WorkerGlobal = typeof globalThis & { [WORKER_KEY]?: WorkerServer };

/** The worker's shared server, started on first use. The global survives module re-evaluation between files. */
function acquireWorkerServer(): Promise<MockScalekit> {
  const global = globalThis as WorkerGlobal;
  let shared = global[WORKER_KEY];
  if (shared === undefined) {
    shared = { mock: createMockScalekit({ seed: "vitest-worker" }), users: 0 };
    global[WORKER_KEY] = shared;
    // A failed start must not stay cached for the next file.
    shared.mock.catch(() => {
      if (global[WORKER_KEY] === shared) delete global[WORKER_KEY];
    });
  }
  clearTimeout(shared.closing);
  shared.users += 1;
  return shared.mock;
}

async function releaseWorkerServer(): Promise<void> {
  const global = globalThis as WorkerGlobal;
  const shared = global[WORKER_KEY];
  if (shared === undefined) return;
  shared.users -= 1;
  if (shared.users > 0) return;
  const mock = await shared.mock;
  shared.closing = setTimeout(() => {
    if (global[WORKER_KEY] !== shared || shared.users > 0) return;
    delete global[WORKER_KEY];
    void mock.close();
  }, SHARED_GRACE_MS);
}

/** Creates the file's environment, named after the file (`-2`, `-3`… when the name is taken). */
function createFileEnvironment(server: MockScalekit, options: NewEnvironmentOptions): MockEnvironment {
  if (options.id !== undefined) return server.environment(options);
  const file = (globalThis as { __vitest_worker__?: { filepath?: string } }).__vitest_worker__?.filepath;
  for (let n = 1; ; n += 1) {
    try {
      return server.environment({ ...options, id: fileEnvironmentId(file, n) });
    } catch (error) {
      if (!(error instanceof EnvironmentError && error.reason === "conflict")) throw error;
    }
  }
}

export function useMockScalekit(options: UseMockOptions = {}): MockScalekitEnvironment {
  const { resetBeforeEach = true, server: serverOptions, ...environmentOptions } = options;
  let current: MockScalekitEnvironment | undefined;
  let release: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    if (serverOptions !== undefined) {
      const server = await createMockScalekit({ ...serverOptions, ...environmentOptions });
      current = { ...server, url: server.url, server };
      release = () => server.close();
      return;
    }
    const server = await acquireWorkerServer();
    try {
      const env = createFileEnvironment(server, environmentOptions);
      current = { ...env, url: server.url, server };
      release = async () => {
        server.deleteEnvironment(env.id);
        await releaseWorkerServer();
      };
    } catch (error) {
      await releaseWorkerServer();
      throw error;
    }
  });
  if (resetBeforeEach) beforeEach(() => current?.reset());
  afterAll(async () => {
    await release?.();
    current = undefined;
  });

  return new Proxy({} as MockScalekitEnvironment, {
    get(_target, key) {
      if (current === undefined) throw new Error("the mock starts in beforeAll: use it inside tests or hooks, not at the top level of the file");
      return current[key as keyof MockScalekitEnvironment];
    },
  });
}

export { createMockScalekit };
export type { MockScalekit, MockScalekitOptions, MockEnvironment };
