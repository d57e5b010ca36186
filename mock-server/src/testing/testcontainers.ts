/**
 * A Testcontainers module for the scalekit-mock image, in the style of the
 * `@testcontainers/*` modules:
 *
 *   const mock = await new ScalekitMockContainer("scalekit-mock:latest")
 *     .withSeed("e2e")
 *     .withPasswordlessType("LINK_OTP")
 *     .start();
 *   const scalekit = new ScalekitClient(mock.getEnvironmentUrl(), mock.getClientId(), mock.getClientSecret());
 *   const { code } = await mock.getClient().inbox.waitForOtp("ana@example.com");
 *   await mock.stop();
 *
 * With `withTls()` the same port serves https:// (and gRPC over h2) too, with
 * a CA generated from the seed (`getCaCertificate()`); `withTlsPort(443)` adds
 * the port grpc-java dials: see docs/sdks.md.
 */
import { existsSync } from "node:fs";
import { isIP } from "node:net";
import { join, resolve } from "node:path";
import { AbstractStartedContainer, GenericContainer, getContainerRuntimeClient, Wait, type StartedTestContainer } from "testcontainers";
import { ScalekitMockClient } from "../client/index.js";
import { DEFAULT_CLIENT_ID, DEFAULT_SEED, defaultClientSecret } from "../default-client.js";
import type { PasswordlessType, SettingsInput } from "../domain/settings.js";
import { checkTlsPort, containerTlsSetup, fetchCaCertificate, NO_TLS_PORT_MESSAGE, SCALEKIT_MOCK_PORT, TLS_OFF_MESSAGE } from "./testcontainers-tls.js";

export { SCALEKIT_MOCK_PORT };

/** The image the module starts when none is named (build it with `docker build -t scalekit-mock .`). */
export const SCALEKIT_MOCK_IMAGE = "scalekit-mock:latest";
const CONFIG_PATH = "/tmp/scalekit-mock.json";
const TEMPLATES_PATH = "/tmp/scalekit-mock-templates";

/**
 * The names the container's control API must answer to besides its own:
 * those given already, the host the container runtime is reached by ("localhost",
 * or "docker" with Docker-in-Docker: what `getClient()` calls), and the
 * container's network aliases (what other containers call). IP addresses
 * always pass, so they are left out. With TLS on, the generated certificate
 * is valid for these names too (the mock derives its names from the allowed
 * hosts), so another container can call `https://<alias>`.
 */
export function allowedHostsFor(given: string | undefined, runtimeHost: string, networkAliases: readonly string[]): string {
  const names = [...(given ?? "").split(","), runtimeHost, ...networkAliases].map((name) => name.trim()).filter((name) => name !== "" && isIP(name) === 0);
  return [...new Set(names)].join(",");
}

export class ScalekitMockContainer extends GenericContainer {
  #seed = DEFAULT_SEED;
  #clientId = DEFAULT_CLIENT_ID;
  #clientSecret: string | undefined;
  #adminToken: string | undefined;
  #settings: SettingsInput | undefined;
  #tls = false;
  #tlsPort: number | undefined;

  constructor(image: string = SCALEKIT_MOCK_IMAGE) {
    super(image);
    this.withExposedPorts(SCALEKIT_MOCK_PORT)
      .withWaitStrategy(Wait.forHttp("/_mock/v1/health", SCALEKIT_MOCK_PORT).forStatusCode(200))
      .withStartupTimeout(60_000);
  }

  /** Seed of every id, code and link (and of the default client secret). */
  withSeed(seed: string): this {
    this.#seed = seed;
    return this;
  }

  /** What the default environment sends: `OTP`, `LINK` or `LINK_OTP`. */
  withPasswordlessType(type: PasswordlessType): this {
    this.#settings = { ...this.#settings, passwordlessType: type };
    return this;
  }

  /** Any settings of the default environment (see `GET /_mock/v1/settings`). */
  withSettings(settings: SettingsInput): this {
    this.#settings = { ...this.#settings, ...settings };
    return this;
  }

  /**
   * Email templates every environment starts with (`--templates`): a folder
   * holding `manifest.json` and the HTML and text files it names, copied
   * into the container. A broken template stops the container at start, and
   * its log names the file, line and column.
   */
  withTemplates(dir: string): this {
    const source = resolve(dir);
    if (!existsSync(join(source, "manifest.json"))) {
      throw new Error(`withTemplates: ${source} has no manifest.json; give the folder that holds it (see fixtures/email-templates in the package)`);
    }
    return this.withCopyDirectoriesToContainer([{ source, target: TEMPLATES_PATH, mode: 0o755 }]).withEnvironment({ SCALEKIT_MOCK_TEMPLATES: TEMPLATES_PATH });
  }

  /** The API client the app authenticates with. */
  withCredentials(clientId: string, clientSecret: string): this {
    this.#clientId = clientId;
    this.#clientSecret = clientSecret;
    return this;
  }

  /** Require `Authorization: Bearer <token>` on the control API (at least 16 characters). */
  withAdminToken(token: string): this {
    this.#adminToken = token;
    return this;
  }

  /**
   * Serve TLS on 8787 beside plain HTTP (`SCALEKIT_MOCK_TLS=true`): https://,
   * and gRPC over h2 chosen by ALPN, with a server certificate for localhost,
   * the loopback addresses, the runtime's host, the container's name and its
   * network aliases, signed by a CA derived from the seed (`getCaCertificate()`).
   */
  withTls(): this {
    this.#tls = true;
    return this;
  }

  /**
   * Also listen on `port` inside the container with TLS only
   * (`SCALEKIT_MOCK_TLS_PORT`; implies `withTls()`), and publish it
   * (`getTlsPortUrl()`). For grpc-java, which always dials port 443 of the
   * URL's host: `withTlsPort(443).withNetworkAliases("scalekit-mock.test")`
   * and `https://scalekit-mock.test` in the other container. Below 1024 the
   * container gets `net.ipv4.ip_unprivileged_port_start=0`, so the image's
   * non-root user may bind it (Docker sets that by default, podman does not).
   */
  withTlsPort(port = 443): this {
    this.#tlsPort = checkTlsPort(port);
    return this;
  }

  override async start(): Promise<StartedScalekitMockContainer> {
    const clientSecret = this.#clientSecret ?? defaultClientSecret(this.#seed);
    const tls = containerTlsSetup({ tls: this.#tls, tlsPort: this.#tlsPort });
    this.withEnvironment(tls.environment).withExposedPorts(...tls.exposedPorts);
    if (Object.keys(tls.sysctls).length > 0) this.hostConfig.Sysctls = { ...this.hostConfig.Sysctls, ...tls.sysctls };
    this.withEnvironment({
      SCALEKIT_MOCK_SEED: this.#seed,
      SCALEKIT_MOCK_CLIENT_ID: this.#clientId,
      SCALEKIT_MOCK_CLIENT_SECRET: clientSecret,
      ...(this.#adminToken !== undefined && { SCALEKIT_MOCK_ADMIN_TOKEN: this.#adminToken }),
      SCALEKIT_MOCK_ALLOWED_HOSTS: allowedHostsFor(
        this.environment.SCALEKIT_MOCK_ALLOWED_HOSTS,
        (await getContainerRuntimeClient()).info.containerRuntime.host,
        this.networkAliases,
      ),
    });
    if (this.#settings !== undefined) {
      this.withCopyContentToContainer([{ content: JSON.stringify({ settings: this.#settings }), target: CONFIG_PATH, mode: 0o644 }]);
      this.withEnvironment({ SCALEKIT_MOCK_CONFIG: CONFIG_PATH });
    }
    const tlsState = this.#tls || this.#tlsPort !== undefined ? { tlsPort: this.#tlsPort } : undefined;
    return new StartedScalekitMockContainer(await super.start(), this.#clientId, clientSecret, this.#adminToken, tlsState);
  }
}

export class StartedScalekitMockContainer extends AbstractStartedContainer {
  readonly #clientId: string;
  readonly #clientSecret: string;
  readonly #adminToken: string | undefined;
  readonly #tls: { tlsPort: number | undefined } | undefined;

  /** `tls` is undefined when the container serves no TLS, and names its TLS-only port if it has one. */
  constructor(started: StartedTestContainer, clientId: string, clientSecret: string, adminToken: string | undefined, tls?: { tlsPort: number | undefined }) {
    super(started);
    this.#clientId = clientId;
    this.#clientSecret = clientSecret;
    this.#adminToken = adminToken;
    this.#tls = tls;
  }

  getPort(): number {
    return this.getMappedPort(SCALEKIT_MOCK_PORT);
  }

  /** `SCALEKIT_ENVIRONMENT_URL` for the SDK (REST and gRPC on the same URL). */
  getEnvironmentUrl(): string {
    return `http://${this.getHost()}:${this.getPort()}`;
  }

  /**
   * The same port over TLS (`https://host:port`), for REST, and gRPC over h2.
   * Clients must trust `getCaCertificate()`.
   *
   * @throws Error if the container was started without `withTls()` or `withTlsPort()`.
   */
  getHttpsUrl(): string {
    if (this.#tls === undefined) throw new Error(TLS_OFF_MESSAGE);
    return `https://${this.getHost()}:${this.getPort()}`;
  }

  /**
   * The TLS-only port (`withTlsPort`) as published on the host,
   * `https://host:mappedPort`. Containers on the same network reach it as
   * `https://<alias>:<port>`, or `https://<alias>` for 443.
   *
   * @throws Error if the container has no TLS-only port.
   */
  getTlsPortUrl(): string {
    if (this.#tls === undefined) throw new Error(TLS_OFF_MESSAGE);
    if (this.#tls.tlsPort === undefined) throw new Error(NO_TLS_PORT_MESSAGE);
    return `https://${this.getHost()}:${this.getMappedPort(this.#tls.tlsPort)}`;
  }

  /**
   * The CA certificate (PEM) to trust: give it to Node as `ca` or in
   * `NODE_EXTRA_CA_CERTS`, to Python as `GRPC_DEFAULT_SSL_ROOTS_FILE_PATH` and
   * `REQUESTS_CA_BUNDLE`, to Go as `SSL_CERT_FILE`, to Java in its trust store.
   * Read from `/_mock/v1/tls/ca.pem` over http://.
   *
   * @throws Error (the promise rejects) if TLS is off, or the mock has no CA of its own.
   */
  async getCaCertificate(): Promise<string> {
    if (this.#tls === undefined) throw new Error(TLS_OFF_MESSAGE);
    return fetchCaCertificate(this.getEnvironmentUrl());
  }

  getClientId(): string {
    return this.#clientId;
  }

  getClientSecret(): string {
    return this.#clientSecret;
  }

  /** The web inbox, for a person looking at a test run. */
  getInboxUrl(): string {
    return `${this.getEnvironmentUrl()}/_mock/ui`;
  }

  /** The typed control client (inbox, clock, faults, settings, environments…). */
  getClient(): ScalekitMockClient {
    return new ScalekitMockClient(this.getEnvironmentUrl(), this.#adminToken === undefined ? {} : { adminToken: this.#adminToken });
  }
}
