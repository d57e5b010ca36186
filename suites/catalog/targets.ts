import { ScalekitMockClient } from "../../mock-server/src/client/index.js";
import { createMockScalekit } from "../../mock-server/src/index.js";
import { CLI, startCli } from "../support/cli.js";
import type { Target } from "../support/drivers.js";
import { startMailSink } from "../support/mail-sink.js";
import { ImapInbox } from "./imap-inbox.js";
import { mailpitInbox, mockInbox } from "./inbox-readers.js";
import { Pacer, REAL_ENV, readRealConfig, realBanner, runAddress, runMarker, type RealConfig } from "./real-run.js";
import type { Capability, InboxReader, MailItem, PasswordlessType } from "./types.js";

/** What one scenario run gets from its target. */
export interface Prepared {
  credentials: Target;
  inbox: InboxReader;
  control?: ScalekitMockClient;
  /** The run's own environment on a mock, which messages may name. */
  environmentId?: string;
  /** The address for a scenario's n-th send; by default a fresh one under example.com. */
  address?(scenario: string, transport: string, n: number): string;
  /** Waits before each call to a real environment (pause, cap on sends). */
  pace?(kind: "send" | "other"): Promise<void>;
  /** Cleans up after the run. */
  release(): Promise<void>;
}

/** Where a real target's mail was read, and the run's id: shown in the report. */
export interface TargetDetails {
  inbox: InboxReader["kind"];
  where: string;
  runId: string;
}

export interface TargetSession {
  capabilities: ReadonlySet<Capability>;
  details?: TargetDetails;
  /** Printed before the catalog starts (what the run will do to a real environment). */
  banner?: string;
  /** How long one scenario may take; mail through a real provider takes its time. */
  scenarioTimeoutMs?: number;
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

/** Records the addresses a scenario waited for mail to, so their mail can be consumed when it is done. */
function tracking(inbox: InboxReader, addresses: Set<string>): InboxReader {
  return {
    kind: inbox.kind,
    waitFor(email, options): Promise<MailItem> {
      addresses.add(email);
      return inbox.waitFor(email, options);
    },
  };
}

/**
 * A Scalekit environment without control: only the API and a mailbox, read
 * over IMAP or through a Mailpit-compatible API. Its passwordless type is
 * fixed; every send goes to a plus address carrying the run id; calls are
 * paced and sends capped; what a scenario read is consumed when it ends.
 */
async function realSession(name: string, config: RealConfig, stop: () => Promise<void>): Promise<TargetSession> {
  // Checked and printed before anything connects or sends.
  const banner = realBanner(name, config);
  const since = new Date();
  const imap =
    config.inbox.kind === "imap"
      ? await ImapInbox.open({
          url: config.inbox.url,
          password: config.inbox.password,
          marker: runMarker(config.testEmail, config.runId),
          since,
          afterRead: config.afterRead,
          codePattern: config.codePattern,
        })
      : undefined;
  const inbox: InboxReader = imap ?? mailpitInbox(config.inbox.url, { codePattern: config.codePattern, since });
  const pacer = new Pacer(config.pauseMs, config.maxSends);
  const read = async (email: string, options: { after?: number; timeoutMs?: number } = {}): Promise<MailItem> => {
    const mail = await inbox.waitFor(email, { timeoutMs: config.inboxTimeoutMs, ...options });
    // A LINK environment sends no code: a number in its email (a footer, an address) is not one.
    if (config.type !== "LINK") return mail;
    const { code: _code, ...rest } = mail;
    return rest;
  };
  return {
    capabilities: new Set(),
    details: { inbox: inbox.kind, where: config.inbox.where, runId: config.runId },
    banner,
    // Every call may wait out the pause, and mail may take a while through a real provider.
    scenarioTimeoutMs: config.inboxTimeoutMs * 2 + config.pauseMs * 40,
    async prepare(wanted) {
      if (wanted !== config.type) return { na: `the environment sends ${config.type}; the scenario needs ${wanted} (${REAL_ENV.type})` };
      const addresses = new Set<string>();
      return {
        credentials: config.credentials,
        inbox: tracking({ kind: inbox.kind, waitFor: read }, addresses),
        address: (scenario, transport, n) => {
          const address = runAddress(config.testEmail, config.runId, scenario, transport, n);
          addresses.add(address);
          return address;
        },
        pace: (kind) => pacer.call(kind),
        release: async () => {
          await imap?.consume([...addresses]);
        },
      };
    },
    async stop() {
      try {
        await imap?.sweep();
      } finally {
        await imap?.close();
        await stop();
      }
    },
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

export function realTarget(env: NodeJS.ProcessEnv): TargetDefinition {
  return {
    name: "real",
    async start() {
      const config = readRealConfig(env);
      if ("skip" in config) return config;
      return realSession("real", config, async () => undefined);
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
    const config = readRealConfig({
      SCALEKIT_ENVIRONMENT_URL: cli.url,
      SCALEKIT_CLIENT_ID: cli.clientId,
      SCALEKIT_CLIENT_SECRET: cli.clientSecret,
      SCALEKIT_INBOX_URL: sink.apiUrl,
      SCALEKIT_REAL_PAUSE_MS: "0",
    }) as RealConfig;
    return realSession("real (offline stand-in)", config, async () => {
      await cli.stop("SIGTERM");
      await sink.close();
    });
  },
};

/**
 * The `real` path through a real mailbox, offline: Debian's Dovecot (configured
 * in a temp dir, on loopback) is the mailbox, a second mock process plays the
 * remote environment with the given passwordless type and delivers its mail
 * into Dovecot over LMTP, and the target reads it over IMAP.
 */
export function dovecotRealTarget(type: PasswordlessType = "OTP"): TargetDefinition {
  const name = `real (Dovecot stand-in, ${type})`;
  return {
    name,
    async start() {
      const { dovecotAvailable, startDovecot } = await import("../support/dovecot.js");
      const available = dovecotAvailable();
      if (!available.available) return { skip: available.reason };
      const dovecot = await startDovecot();
      const cli = await startCli(process.execPath, [CLI, "--port", "0", "--seed", `remote-${type}`, "--passwordless-type", type, "--smtp-relay", dovecot.lmtpUrl]).catch(async (error: unknown) => {
        await dovecot.stop();
        throw error;
      });
      const config = readRealConfig({
        SCALEKIT_ENVIRONMENT_URL: cli.url,
        SCALEKIT_CLIENT_ID: cli.clientId,
        SCALEKIT_CLIENT_SECRET: cli.clientSecret,
        SCALEKIT_INBOX_URL: dovecot.imapUrl("qa"),
        SCALEKIT_TEST_EMAIL: "qa@example.test",
        SCALEKIT_PASSWORDLESS_TYPE: type,
        SCALEKIT_REAL_PAUSE_MS: "0",
        SCALEKIT_INBOX_TIMEOUT_MS: "10000",
      }) as RealConfig;
      const cleanup = async () => {
        await cli.stop("SIGTERM");
        await dovecot.stop();
      };
      return realSession(name, config, cleanup).catch(async (error: unknown) => {
        await cleanup();
        throw error;
      });
    },
  };
}
