import { ScalekitClient } from "@scalekit-sdk/node";
import { getContainerRuntimeClient } from "testcontainers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MockApiError } from "../mock-server/src/client/index.js";
import { ScalekitMockContainer, type StartedScalekitMockContainer } from "../mock-server/src/testing/testcontainers.js";
import { containerTarget } from "./catalog/targets.js";
import { catalogOn, mockNa } from "./catalog/vitest.js";
import { buildImage, containerSkipReason } from "./support/containers.js";

/**
 * The Docker image and the Testcontainers module, through a real engine
 * (podman here). Without an engine these tests skip with the reason printed;
 * with CI=true a missing engine fails the file.
 */

const skip = await containerSkipReason();
const IMAGE = process.env.SCALEKIT_MOCK_IMAGE ?? "localhost/scalekit-mock:test";

describe.skipIf(skip !== undefined)("scalekit-mock image", () => {
  beforeAll(async () => {
    const ms = await buildImage(IMAGE);
    console.log(`image ${IMAGE} built in ${(ms / 1000).toFixed(1)} s`);
  }, 600_000);

  describe("ScalekitMockContainer", () => {
    let mock: StartedScalekitMockContainer;

    beforeAll(async () => {
      const started = performance.now();
      mock = await new ScalekitMockContainer(IMAGE).withSeed("container").withPasswordlessType("LINK_OTP").withCredentials("skc_container", "container-secret-123").start();
      console.log(`container start-to-healthy: ${(performance.now() - started).toFixed(0)} ms`);
    }, 120_000);
    afterAll(async () => {
      await mock?.stop();
    });

    it("serves the SDK on the mapped port with the configured credentials and type", async () => {
      expect(mock.getEnvironmentUrl()).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(mock.getClientId()).toBe("skc_container");
      expect(mock.getClientSecret()).toBe("container-secret-123");
      const sdk = new ScalekitClient(mock.getEnvironmentUrl(), mock.getClientId(), mock.getClientSecret());
      const sent = await sdk.passwordless.sendPasswordlessEmail("box@example.com", { magiclinkAuthUri: "https://app.test/cb" });
      expect(sent.passwordlessType).toBe(3 /* LINK_OTP */);
      const { code } = await mock.getClient().inbox.waitForOtp("box@example.com");
      const verified = await sdk.passwordless.verifyPasswordlessEmail({ code: code! }, sent.authRequestId);
      expect(verified.email).toBe("box@example.com");
      // Verified: the link no longer works either.
      expect(await mock.getClient().inbox.waitForLink("box@example.com", { timeout: 100 }).catch((e: MockApiError) => e.status)).toBe(404);
    });

      it("gives the typed control client of the container", async () => {
      await mock.getClient().reset();
      const health = await mock.getClient().health();
      expect(health.name).toBe("scalekit-mock");
      expect((await mock.getClient().settings.get()).passwordlessType).toBe("LINK_OTP");
    });

    it("runs as a non-root user, listens on 0.0.0.0 inside, and has a health check", async () => {
      expect((await mock.exec(["id", "-u"])).output.trim()).not.toBe("0");
      const client = await getContainerRuntimeClient();
      const inspect = await client.container.inspect(client.container.getById(mock.getId()));
      expect(inspect.Config.Healthcheck?.Test?.join(" ")).toContain("/_mock/v1/health");
      expect(inspect.Config.Env).toContain("SCALEKIT_MOCK_HOST=0.0.0.0");
      expect(Object.keys(inspect.Config.ExposedPorts ?? {})).toEqual(["8787/tcp"]);
    });

    it("serves the web inbox", async () => {
      const page = await fetch(mock.getInboxUrl());
      expect(page.status).toBe(200);
      expect(await page.text()).toContain("scalekit-mock inbox");
    });
  });

  describe("ScalekitMockContainer with an admin token", () => {
    let mock: StartedScalekitMockContainer;
    beforeAll(async () => {
      mock = await new ScalekitMockContainer(IMAGE).withAdminToken("container-admin-token-1").withSettings({ otpLength: 8 }).start();
    }, 120_000);
    afterAll(async () => {
      // The last test stops it already.
      await mock?.stop().catch(() => undefined);
    });

    it("guards the control API, and getClient() carries the token", async () => {
      expect((await fetch(`${mock.getEnvironmentUrl()}/_mock/v1/settings`)).status).toBe(401);
      expect((await mock.getClient().settings.get()).otpLength).toBe(8);
      expect(mock.getClientSecret()).toMatch(/^test_/);
      const sdk = new ScalekitClient(mock.getEnvironmentUrl(), mock.getClientId(), mock.getClientSecret());
      await sdk.passwordless.sendPasswordlessEmail("guarded@example.com");
      expect((await mock.getClient().inbox.waitForOtp("guarded@example.com")).code).toMatch(/^\d{8}$/);
    });

    it("stops promptly on SIGTERM", async () => {
      const started = performance.now();
      await mock.stop({ timeout: 10_000 });
      const ms = performance.now() - started;
      console.log(`container stop: ${ms.toFixed(0)} ms`);
      // Ignoring SIGTERM would take the whole 10 s grace period.
      expect(ms).toBeLessThan(8_000);
    });
  });

  catalogOn(containerTarget({ SCALEKIT_MOCK_IMAGE: IMAGE }), mockNa, [], 120_000);
});
