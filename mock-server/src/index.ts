import { hostname } from "node:os";
import { getRequestListener } from "@hono/node-server";
import { controlExposure, serverOptionsSchema, type ServerOptionsInput } from "./config.js";
import { defaultClientSecret } from "./default-client.js";
import { settingsSchema, type SettingsInput } from "./domain/settings.js";
import { rpcAwareListener } from "./server/protocol-router.js";
import { direct, inProcessEnvironment, type MockEnvironment } from "./in-process/environment-api.js";
import { API_BODY_LIMIT, createHttpApp } from "./http/app.js";
import type { HttpDeps } from "./http/deps.js";
import { loadTemplates } from "./mail/templates.js";
import { packageVersion } from "./runtime/package-root.js";
import { listen, type RequestHandler } from "./server/listen.js";
import type { NewEnvironment } from "./services/environment-directory.js";
import type { MockEvent } from "./services/environment-control.js";
import { createMockServices } from "./services/mock-services.js";

export { defaultClientSecret };
export type { CapturedEmail } from "./mail/email.js";
export type { EmailFilter } from "./mail/inbox.js";
export type { Settings, SettingsInput, PasswordlessType } from "./domain/settings.js";
export type { ServerOptionsInput } from "./config.js";
export type { FaultRuleInput } from "./schemas/faults.js";
export type { Snapshot } from "./schemas/snapshot.js";
export type { JournalEntry, JournalFilter } from "./services/environment-control.js";
export type { MockEvent };
export type { MockEnvironment, MockInbox, MockClockControl, MockSettings, MockFaults, WaitOptions, OtpResult, LinkResult } from "./in-process/environment-api.js";

export interface MockScalekitOptions extends Omit<ServerOptionsInput, "settings"> {
  /** Initial settings of the default environment (and the base of new ones). */
  settings?: SettingsInput;
}

export interface NewEnvironmentOptions extends Omit<NewEnvironment, "settings"> {
  settings?: SettingsInput;
}

/** A running mock: its default environment, plus the server's own handles. */
export interface MockScalekit extends MockEnvironment {
  /** The environment URL to give the SDK (`SCALEKIT_ENVIRONMENT_URL`); the same for every environment. */
  url: string;
  seed: string;
  /** Creates an isolated environment with its own credentials, inbox, clock, settings, faults and journal. */
  environment(options?: NewEnvironmentOptions): MockEnvironment;
  /** Deletes an environment made by `environment()`. */
  deleteEnvironment(id: string): boolean;
  /** Follows every event of every environment; returns the function that stops. */
  onEvent(listener: (event: MockEvent) => void): () => void;
  close(): Promise<void>;
}

/**
 * Starts a mock Scalekit on a real port (any free one unless `port` is
 * given): REST, gRPC, OAuth and the control API on one port.
 */
export async function createMockScalekit(options: MockScalekitOptions = {}): Promise<MockScalekit> {
  const config = serverOptionsSchema.parse({ port: 0, ...options });
  const exposure = controlExposure(config);
  if (exposure !== undefined) {
    if (!config.openControl) throw new Error(`scalekit-mock: ${exposure}`);
    console.warn(`scalekit-mock: warning: the control API is open to anyone who can reach ${config.host}:${config.port} (--open-control)`);
  }
  let url = "";
  const shutdown = new AbortController();
  const { scalekit, control, tokens } = createMockServices({
    seed: config.seed,
    clientId: config.clientId,
    clientSecret: config.clientSecret ?? defaultClientSecret(config.seed),
    settings: settingsSchema.parse(config.settings),
    templates: loadTemplates(),
    issuer: () => url,
    shutdown: shutdown.signal,
  });
  const deps: HttpDeps = {
    control,
    scalekit,
    version: packageVersion(),
    shutdown: shutdown.signal,
    // The bound name, and the machine's (in an image: the container's) own name.
    hostPolicy: { allowedHosts: config.allowedHosts, ownNames: [config.host, hostname()] },
    ...(config.adminToken !== undefined && { adminToken: config.adminToken }),
  };
  const honoListener = getRequestListener(createHttpApp(deps).fetch) as RequestHandler;
  // gRPC, gRPC-Web and Connect calls of PasswordlessService go to Connect; every other request to the Hono app.
  const handler = rpcAwareListener(deps, API_BODY_LIMIT, honoListener);
  // Loaded only when asked for: nodemailer is slow to import and most runs do not relay.
  const relay = config.smtpRelay === undefined ? undefined : new (await import("./mail/smtp-relay.js")).SmtpRelay(config.smtpRelay);
  if (relay !== undefined) {
    control.subscribe((event) => {
      if (event.type !== "email.captured") return;
      const email = control.find(event.environmentId)?.inbox.get(String(event.data.id));
      if (email !== undefined) relay.relay(email);
    });
  }
  const server = await listen(handler, {
    host: config.host,
    port: config.port,
    firstByteTimeoutMs: config.firstByteTimeout,
    headersTimeoutMs: config.headersTimeout,
    requestTimeoutMs: config.requestTimeout,
    idleTimeoutMs: config.idleTimeout,
    maxConnections: config.maxConnections,
  });
  url = server.url;
  tokens.prepare();

  return {
    ...inProcessEnvironment(control.default),
    url,
    seed: config.seed,
    environment: (options = {}) => inProcessEnvironment(direct(() => control.createWith(options))),
    deleteEnvironment: (id) => direct(() => control.remove(id)),
    onEvent: (listener) => control.subscribe(listener),
    close: async () => {
      shutdown.abort();
      control.cancelLateDeliveries();
      await Promise.all([server.close(), relay?.close()]);
    },
  };
}
