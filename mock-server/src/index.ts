import { renameSync, rmSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { getRequestListener } from "@hono/node-server";
import { controlExposure, serverOptionsSchema, tlsMode, type ServerOptions, type ServerOptionsInput } from "./config.js";
import { defaultClientSecret } from "./default-client.js";
import { settingsSchema, type SettingsInput } from "./domain/settings.js";
import { rpcAwareListener } from "./server/protocol-router.js";
import { direct, inProcessEnvironment, type MockEnvironment } from "./in-process/environment-api.js";
import { API_BODY_LIMIT, createHttpApp } from "./http/app.js";
import type { HttpDeps } from "./http/deps.js";
import { compileTemplateObject, readTemplateDir, type TemplateDir } from "./mail/templates.js";
import { packageVersion } from "./runtime/package-root.js";
import { listen, type Listening, type RequestHandler } from "./server/listen.js";
import type { NewEnvironment } from "./services/environment-directory.js";
import type { MockEvent } from "./services/environment-control.js";
import { createMockServices } from "./services/mock-services.js";
import type { TlsMaterial } from "./tls/material.js";
import { tlsNames } from "./tls/names.js";

export { defaultClientSecret };
export { extractCredentials } from "./mail/extract-credentials.js";
export type { EmailBodies, ExtractedCredentials, ExtractOptions } from "./mail/extract-credentials.js";
export type { CapturedEmail } from "./mail/email.js";
export type { EmailFilter } from "./mail/inbox.js";
export type { Settings, SettingsInput, PasswordlessType } from "./domain/settings.js";
export type { ServerOptionsInput } from "./config.js";
export type { FaultRuleInput } from "./schemas/faults.js";
export type { Snapshot } from "./schemas/snapshot.js";
export type { JournalEntry, JournalFilter } from "./services/environment-control.js";
export type { MockEvent };
export type { MockEnvironment, MockInbox, MockClockControl, MockSettings, MockFaults, MockTemplates, WaitOptions, OtpResult, LinkResult } from "./in-process/environment-api.js";
export type { TemplateSource } from "./domain/email-template.js";

export interface MockScalekitOptions extends Omit<ServerOptionsInput, "settings"> {
  /** Initial settings of the default environment (and the base of new ones). */
  settings?: SettingsInput;
}

export interface NewEnvironmentOptions extends Omit<NewEnvironment, "settings"> {
  settings?: SettingsInput;
}

/** How to reach a mock over TLS, and what to trust. */
export interface MockTls {
  /** https:// URL of the main port, which keeps serving http:// too. */
  url: string;
  /** https:// URL of the port that speaks only TLS (`tlsPort`), when there is one. */
  tlsPortUrl: string | undefined;
  /** The generated CA certificate (PEM) clients must trust; undefined with a certificate you brought. */
  ca: string | undefined;
  /** The file the CA was written to (`tlsCaOut`), if any. */
  caFile: string | undefined;
  /** The DNS names and IP addresses the server certificate is valid for. */
  names: string[];
}

/** A running mock: its default environment, plus the server's own handles. */
export interface MockScalekit extends MockEnvironment {
  /** The environment URL to give the SDK (`SCALEKIT_ENVIRONMENT_URL`); the same for every environment. */
  url: string;
  seed: string;
  /** Set when TLS is on (`tls`, `tlsCert`, `tlsPort`): the https:// URLs and the CA to trust. */
  tls: MockTls | undefined;
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
  const certificate = await serverCertificate(config);
  let url = "";
  const shutdown = new AbortController();
  const { scalekit, control, tokens } = createMockServices({
    seed: config.seed,
    clientId: config.clientId,
    clientSecret: config.clientSecret ?? defaultClientSecret(config.seed),
    settings: settingsSchema.parse(config.settings),
    ...(config.templates !== undefined && { templates: startTemplates(config.templates) }),
    issuer: () => url,
    shutdown: shutdown.signal,
  });
  const deps: HttpDeps = {
    control,
    scalekit,
    version: packageVersion(),
    shutdown: shutdown.signal,
    tls: certificate === undefined ? { mode: "off" } : certificate.caPem === undefined ? { mode: "file" } : { mode: "generated", ca: certificate.caPem },
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
  const ports = await listenAll(handler, config, certificate);
  const server = ports[0];
  url = server.url;
  tokens.prepare();
  const close = async () => {
    shutdown.abort();
    control.cancelLateDeliveries();
    await Promise.all([...ports.map((port) => port.close()), relay?.close()]);
  };
  if (certificate?.caPem !== undefined && config.tlsCaOut !== undefined) {
    try {
      writeAtomically(config.tlsCaOut, certificate.caPem);
    } catch (error) {
      await close();
      throw new Error(`cannot write the CA certificate to ${config.tlsCaOut} (--tls-ca-out): ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
    }
  }

  return {
    ...inProcessEnvironment(control.default),
    url,
    seed: config.seed,
    tls:
      certificate === undefined
        ? undefined
        : {
            url: url.replace(/^http:/, "https:"),
            tlsPortUrl: ports[1]?.url,
            ca: certificate.caPem,
            caFile: certificate.caPem === undefined ? undefined : config.tlsCaOut,
            names: certificate.names,
          },
    environment: (options = {}) => inProcessEnvironment(direct(() => control.createWith(options))),
    deleteEnvironment: (id) => direct(() => control.remove(id)),
    onEvent: (listener) => control.subscribe(listener),
    close,
  };
}

/** The `templates` option read and checked: a folder's (named in errors) or the ones given in code. */
function startTemplates(option: NonNullable<ServerOptions["templates"]>): TemplateDir {
  return typeof option === "string" ? readTemplateDir(option) : compileTemplateObject(option);
}

/** The TLS certificate the options ask for: none, generated from the seed, or read from the files given. */
async function serverCertificate(config: ServerOptions): Promise<TlsMaterial | undefined> {
  const mode = tlsMode(config);
  if (mode === "off") return undefined;
  // Certificates are checked by clients against the real time, never the mock's clock.
  const now = new Date();
  if (mode === "file") return (await import("./tls/load.js")).loadTls({ certFile: config.tlsCert!, keyFile: config.tlsKey!, now });
  // Loaded only with TLS on: certificate generation pulls in an X.509 library.
  return (await import("./tls/generate.js")).generateTls({ seed: config.seed, names: tlsNames({ host: config.host, allowedHosts: config.allowedHosts, hostname: hostname() }), now });
}

/** The main port (plain HTTP, and TLS beside it when on), then the TLS-only port if asked for. */
async function listenAll(handler: RequestHandler, config: ServerOptions, certificate: TlsMaterial | undefined): Promise<[Listening, ...Listening[]]> {
  const limits = {
    firstByteTimeoutMs: config.firstByteTimeout,
    headersTimeoutMs: config.headersTimeout,
    requestTimeoutMs: config.requestTimeout,
    idleTimeoutMs: config.idleTimeout,
    maxConnections: config.maxConnections,
  };
  const tls = certificate === undefined ? undefined : { cert: certificate.certPem, key: certificate.keyPem };
  const main = await listen(handler, { host: config.host, port: config.port, ...limits, ...(tls !== undefined && { tls }) });
  if (config.tlsPort === undefined || tls === undefined) return [main];
  try {
    return [main, await listen(handler, { host: config.host, port: config.tlsPort, ...limits, tls, tlsOnly: true })];
  } catch (error) {
    await main.close();
    throw new Error(`cannot listen on TLS port ${config.tlsPort} (--tls-port): ${listenFailure(error, config.tlsPort)}`);
  }
}

function listenFailure(error: unknown, port: number): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === "EADDRINUSE") return "it is already in use";
  if (code === "EACCES") return `binding a port below 1024 needs privileges here; in a container it usually works (see docs/sdks.md), on a host map ${port} to a high port instead`;
  return error instanceof Error ? error.message : String(error);
}

/** Writes a whole file or nothing: a client reading the CA never sees half of it, and a failure leaves no temporary file. */
function writeAtomically(path: string, text: string): void {
  const temporary = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(temporary, text);
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}
