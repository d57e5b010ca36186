/**
 * Playwright fixtures. Each worker gets an environment of its own on a mock
 * (a running one named by `scalekitUrl` / `SCALEKIT_MOCK_URL`, or one the
 * worker starts in-process), so parallel workers never read each other's
 * mail. Tests reach it through `scalekit`:
 *
 *   import { test, expect } from "scalekit-mock/testing/playwright";
 *   test("sign in", async ({ page, scalekit }) => {
 *     await page.fill("#email", "ana@example.com");
 *     await page.click("text=Send code");
 *     await page.fill("#code", await scalekit.otpFor("ana@example.com"));
 *   });
 *
 * Point the app under test at `scalekitEnvironment` (url, clientId,
 * clientSecret), e.g. from a worker fixture of your own.
 */
import { test as base } from "@playwright/test";
import { ScalekitMockClient, type SettingsInput } from "../client/index.js";
import type { MockScalekitOptions } from "../index.js";

export interface ScalekitServer {
  /** Base URL of the mock (also the environment URL for the SDK). */
  url: string;
  /** Whether this worker started the mock itself. */
  owned: boolean;
}

/** The worker's environment: what the app under test needs to call the mock. */
export interface ScalekitEnvironment {
  id: string;
  /** `SCALEKIT_ENVIRONMENT_URL` */
  url: string;
  /** `SCALEKIT_CLIENT_ID` */
  clientId: string;
  /** `SCALEKIT_CLIENT_SECRET` */
  clientSecret: string;
}

export interface WaitFor {
  /** Milliseconds or a duration such as "10s". Default 5 s. */
  timeout?: number | string;
  /** Only mail captured after this `seq` (see `scalekit.inbox.list()`). */
  after?: number;
}

/** What a test sees: the environment and the control client bound to it. */
export interface ScalekitFixture extends ScalekitEnvironment {
  /** The typed control client of the environment. */
  client: ScalekitMockClient;
  /** The newest OTP sent to `email` that still works, waiting for it to arrive. */
  otpFor(email: string, options?: WaitFor): Promise<string>;
  /** The newest magic link sent to `email` that still works, waiting for it to arrive. */
  magicLinkFor(email: string, options?: WaitFor): Promise<string>;
  inbox: ScalekitMockClient["inbox"];
  clock: ScalekitMockClient["clock"];
  faults: ScalekitMockClient["faults"];
  settings: ScalekitMockClient["settings"];
  authRequests: ScalekitMockClient["authRequests"];
}

export interface ScalekitWorkerOptions {
  /** A running mock to use. Default: `SCALEKIT_MOCK_URL`, else a mock started in the worker. */
  scalekitUrl: string | undefined;
  /** The mock's admin token, if it has one. Default: `SCALEKIT_MOCK_ADMIN_TOKEN`. */
  scalekitAdminToken: string | undefined;
  /** Options of the mock the worker starts when there is no URL. */
  scalekitServerOptions: MockScalekitOptions;
  /** Settings (and seed) of each worker's environment. */
  scalekitEnvironmentOptions: { settings?: SettingsInput; seed?: string };
}

export interface ScalekitTestOptions {
  /** Reset the environment (mail, auth requests, faults, clock, settings) before each test. Default true. */
  scalekitResetBeforeEach: boolean;
}

interface WorkerFixtures extends ScalekitWorkerOptions {
  scalekitServer: ScalekitServer;
  scalekitEnvironment: ScalekitEnvironment;
}

interface TestFixtures extends ScalekitTestOptions {
  scalekit: ScalekitFixture;
}

const clientOf = (server: ScalekitServer, adminToken: string | undefined) =>
  new ScalekitMockClient(server.url, adminToken === undefined ? {} : { adminToken });

export const test = base.extend<TestFixtures, WorkerFixtures>({
  scalekitUrl: [undefined, { option: true, scope: "worker" }],
  scalekitAdminToken: [undefined, { option: true, scope: "worker" }],
  scalekitServerOptions: [{}, { option: true, scope: "worker" }],
  scalekitEnvironmentOptions: [{}, { option: true, scope: "worker" }],
  scalekitResetBeforeEach: [true, { option: true }],

  scalekitServer: [
    async ({ scalekitUrl, scalekitServerOptions }, use) => {
      const url = scalekitUrl ?? process.env.SCALEKIT_MOCK_URL;
      if (url !== undefined && url !== "") {
        await use({ url: url.replace(/\/+$/, ""), owned: false });
        return;
      }
      // Loaded only here: a suite that points at a running mock never loads the server.
      const { createMockScalekit } = await import("../index.js");
      const mock = await createMockScalekit(scalekitServerOptions);
      await use({ url: mock.url, owned: true });
      await mock.close();
    },
    { scope: "worker" },
  ],

  scalekitEnvironment: [
    async ({ scalekitServer, scalekitAdminToken, scalekitEnvironmentOptions }, use) => {
      const adminToken = scalekitAdminToken ?? process.env.SCALEKIT_MOCK_ADMIN_TOKEN;
      const root = clientOf(scalekitServer, adminToken);
      // The server picks a fresh id and credentials: unique even on a mock other runs share.
      const created = await root.environments.create(scalekitEnvironmentOptions);
      await use({ id: created.id, url: scalekitServer.url, clientId: created.client_id, clientSecret: created.client_secret! });
      await root.environments.delete(created.id).catch(() => undefined);
    },
    { scope: "worker" },
  ],

  scalekit: async ({ scalekitServer, scalekitEnvironment, scalekitAdminToken, scalekitResetBeforeEach }, use) => {
    const client = clientOf(scalekitServer, scalekitAdminToken ?? process.env.SCALEKIT_MOCK_ADMIN_TOKEN).forEnvironment(scalekitEnvironment.id);
    if (scalekitResetBeforeEach) await client.reset();
    await use({
      ...scalekitEnvironment,
      client,
      // WaitFor is the client's wait query: the client applies the 5 s default.
      otpFor: async (email, options = {}) => (await client.inbox.waitForOtp(email, options)).code!,
      magicLinkFor: async (email, options = {}) => (await client.inbox.waitForLink(email, options)).link!,
      inbox: client.inbox,
      clock: client.clock,
      faults: client.faults,
      settings: client.settings,
      authRequests: client.authRequests,
    });
  },
});

export { expect } from "@playwright/test";
