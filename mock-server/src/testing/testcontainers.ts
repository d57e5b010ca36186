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
 */
import { isIP } from "node:net";
import { AbstractStartedContainer, GenericContainer, getContainerRuntimeClient, Wait, type StartedTestContainer } from "testcontainers";
import { ScalekitMockClient } from "../client/index.js";
import { DEFAULT_CLIENT_ID, DEFAULT_SEED, defaultClientSecret } from "../default-client.js";
import type { PasswordlessType, SettingsInput } from "../domain/settings.js";

/** The image the module starts when none is named (build it with `docker build -t scalekit-mock .`). */
export const SCALEKIT_MOCK_IMAGE = "scalekit-mock:latest";
/** The port the image listens on: REST, gRPC, OAuth, control API and web inbox. */
export const SCALEKIT_MOCK_PORT = 8787;

const CONFIG_PATH = "/tmp/scalekit-mock.json";

/**
 * The names the container's control API must answer to besides its own:
 * those given already, the host the container runtime is reached by ("localhost",
 * or "docker" with Docker-in-Docker: what `getClient()` calls), and the
 * container's network aliases (what other containers call). IP addresses
 * always pass, so they are left out.
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

  override async start(): Promise<StartedScalekitMockContainer> {
    const clientSecret = this.#clientSecret ?? defaultClientSecret(this.#seed);
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
    return new StartedScalekitMockContainer(await super.start(), this.#clientId, clientSecret, this.#adminToken);
  }
}

export class StartedScalekitMockContainer extends AbstractStartedContainer {
  readonly #clientId: string;
  readonly #clientSecret: string;
  readonly #adminToken: string | undefined;

  constructor(started: StartedTestContainer, clientId: string, clientSecret: string, adminToken: string | undefined) {
    super(started);
    this.#clientId = clientId;
    this.#clientSecret = clientSecret;
    this.#adminToken = adminToken;
  }

  getPort(): number {
    return this.getMappedPort(SCALEKIT_MOCK_PORT);
  }

  /** `SCALEKIT_ENVIRONMENT_URL` for the SDK (REST and gRPC on the same URL). */
  getEnvironmentUrl(): string {
    return `http://${this.getHost()}:${this.getPort()}`;
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
