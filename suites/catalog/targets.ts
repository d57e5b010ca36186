import { ScalekitMockClient } from "../../mock-server/src/client/index.js";
import { createMockScalekit } from "../../mock-server/src/index.js";
import { CLI, startCli } from "../support/cli.js";
import type { Target } from "../support/drivers.js";
import { startMailSink } from "../support/mail-sink.js";
import { mailpitInbox, mockInbox } from "./inbox-readers.js";
import type { Capability, InboxReader, PasswordlessType } from "./types.js";

/** What one scenario run gets from its target. */
export interface Prepared {
  credentials: Target;
  inbox: InboxReader;
  control?: ScalekitMockClient;
  /** The run's own environment on a mock, which messages may name. */
  environmentId?: string;
  /** Cleans up after the run. */
  release(): Promise<void>;
}

export interface TargetSession {
  capabilities: ReadonlySet<Capability>;
  /** A fresh place to run one scenario with the given passwordless type, or why it cannot. */
  prepare(type: PasswordlessType): Promise<Prepared | { na: string }>;
  stop(): Promise<void>;
}

export interface TargetDefinition {
  name: string;
  /** Starts the target, or says why it is skipped (not configured). */
  start(): Promise<TargetSession | { skip: string }>;
}

const MOCK_CAPABILITIES: ReadonlySet<Capability> = new Set(["clock", "faults", "settings", "templates"]);

/**
 * Any running mock: each scenario run gets an environment of its own
 * (created through the control API), so runs never share mail or settings.
 * The scenario's calls go to `apiUrl` (by default the control URL).
 */
function mockSession(url: string, stop: () => Promise<void>, apiUrl = url): TargetSession {
  const root = new ScalekitMockClient(url);
  return {
    capabilities: MOCK_CAPABILITIES,
    async prepare(type) {
      const env = await root.environments.create({ settings: { passwordlessType: type } });
      const control = root.forEnvironment(env.id);
      return {
        credentials: { url: apiUrl, clientId: env.client_id, clientSecret: env.client_secret! },
        inbox: mockInbox(control),
        control,
        environmentId: env.id,
        release: async () => {
          await root.environments.delete(env.id);
        },
      };
    },
    stop,
  };
}

/**
 * A Scalekit environment without control: only the API and a mailbox read
 * through a Mailpit-compatible API. Its passwordless type is fixed.
 */
function realSession(credentials: Target, inboxUrl: string, type: PasswordlessType, stop: () => Promise<void>): TargetSession {
  return {
    capabilities: new Set(),
    async prepare(wanted) {
      if (wanted !== type) return { na: `the environment sends ${type}; the scenario needs ${wanted}` };
      return { credentials, inbox: mailpitInbox(inboxUrl), release: async () => undefined };
    },
    stop,
  };
}

export const inProcessTarget: TargetDefinition = {
  name: "in-process",
  async start() {
    const mock = await createMockScalekit({ seed: "catalog" });
    return mockSession(mock.url, () => mock.close());
  },
};

export const cliTarget: TargetDefinition = {
  name: "cli",
  async start() {
    const cli = await startCli(process.execPath, [CLI, "--port", "0", "--seed", "catalog"]);
    return mockSession(cli.url, async () => {
      await cli.stop("SIGTERM");
    });
  },
};

/**
 * The run's TLS mock (`suites/support/tls-global-setup.ts`): every scenario's
 * calls over https:// (REST, and the official SDK trusting the generated CA
 * through NODE_EXTRA_CA_CERTS), while the control API is reached over plain
 * http:// on the same port at the same time.
 */
export function httpsTarget(mock: { url: string; httpsUrl: string }): TargetDefinition {
  return { name: "https", start: async () => mockSession(mock.url, async () => undefined, mock.httpsUrl) };
}

export function urlTarget(env: NodeJS.ProcessEnv): TargetDefinition {
  return {
    name: "url",
    async start() {
      const url = env.SCALEKIT_MOCK_URL;
      if (!url) return { skip: "set SCALEKIT_MOCK_URL to the URL of a running scalekit-mock" };
      await new ScalekitMockClient(url).health();
      return mockSession(url.replace(/\/+$/, ""), async () => undefined);
    },
  };
}

/**
 * The built image, started through the Testcontainers module. Which image:
 * SCALEKIT_MOCK_IMAGE (build one with `docker build -t scalekit-mock .`).
 */
export function containerTarget(env: NodeJS.ProcessEnv): TargetDefinition {
  return {
    name: "container",
    async start() {
      const image = env.SCALEKIT_MOCK_IMAGE;
      if (!image) return { skip: "set SCALEKIT_MOCK_IMAGE to a built scalekit-mock image (docker build -t scalekit-mock .)" };
      const { containerEngine } = await import("../support/containers.js");
      const engine = await containerEngine();
      if (!engine.available) return { skip: engine.reason };
      const { ScalekitMockContainer } = await import("../../mock-server/src/testing/testcontainers.js");
      const container = await new ScalekitMockContainer(image).withSeed("catalog").start();
      return mockSession(container.getEnvironmentUrl(), async () => {
        await container.stop();
      });
    },
  };
}

const TYPES: readonly string[] = ["OTP", "LINK", "LINK_OTP"];

export function realTarget(env: NodeJS.ProcessEnv): TargetDefinition {
  return {
    name: "real",
    async start() {
      const missing = ["SCALEKIT_ENVIRONMENT_URL", "SCALEKIT_CLIENT_ID", "SCALEKIT_CLIENT_SECRET", "SCALEKIT_INBOX_URL"].filter((name) => !env[name]);
      if (missing.length > 0) return { skip: `set ${missing.join(", ")} (the inbox is a Mailpit-compatible API the environment's SMTP provider delivers to)` };
      const type = env.SCALEKIT_PASSWORDLESS_TYPE ?? "OTP";
      if (!TYPES.includes(type)) throw new Error(`SCALEKIT_PASSWORDLESS_TYPE must be one of ${TYPES.join(", ")}`);
      return realSession(
        { url: env.SCALEKIT_ENVIRONMENT_URL!.replace(/\/+$/, ""), clientId: env.SCALEKIT_CLIENT_ID!, clientSecret: env.SCALEKIT_CLIENT_SECRET! },
        env.SCALEKIT_INBOX_URL!,
        type as PasswordlessType,
        async () => undefined,
      );
    },
  };
}

/**
 * The `real` path without the internet: a second mock process plays the
 * remote environment and relays its mail over SMTP to a local sink with a
 * Mailpit-compatible API. Scenarios see it exactly as they would see a real
 * environment: API and mailbox only.
 */
export const offlineRealTarget: TargetDefinition = {
  name: "real (offline stand-in)",
  async start() {
    const sink = await startMailSink();
    const cli = await startCli(process.execPath, [CLI, "--port", "0", "--seed", "remote", "--smtp-relay", sink.smtpUrl]);
    return realSession({ url: cli.url, clientId: cli.clientId, clientSecret: cli.clientSecret }, sink.apiUrl, "OTP", async () => {
      await cli.stop("SIGTERM");
      await sink.close();
    });
  },
};
