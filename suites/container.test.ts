import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { ScalekitClient } from "@scalekit-sdk/node";
import { getContainerRuntimeClient, Network, type StartedNetwork } from "testcontainers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MockApiError } from "../mock-server/src/client/index.js";
import { PasswordlessService, SendPasswordlessRequestSchema, SendPasswordlessResponseSchema } from "../mock-server/src/grpc/gen/scalekit/v1/auth/passwordless_pb.js";
import { ScalekitMockContainer, type StartedScalekitMockContainer } from "../mock-server/src/testing/testcontainers.js";
import { containerTarget } from "./catalog/targets.js";
import { catalogOn, mockNa } from "./catalog/vitest.js";
import { buildImage, containerSkipReason } from "./support/containers.js";
import { grpcRequest, grpcResponse, grpcStatusOf, SERVICE_PATH } from "./support/grpc-wire.js";
import { fetchToken } from "./support/rest.js";
import { startTlsClient, type TlsClientContainer } from "./support/tls-client-container.js";
import { https1 } from "./support/tls-clients.js";

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
      // The environment's own sign-up email, from a folder on the host (the sign-in one stays packaged).
      const templates = mkdtempSync(join(tmpdir(), "scalekit-mock-container-templates-"));
      writeFileSync(
        join(templates, "manifest.json"),
        JSON.stringify({ from: "Acme Rockets <hello@acme.test>", templates: { SIGNUP: { subject: "Welcome aboard, {{ first_name }}: {{otp}}", text: "signup.txt" } } }),
      );
      writeFileSync(join(templates, "signup.txt"), "Hi {{ first_name }}, your {{app_name}} code is {{otp}}.\n");
      mock = await new ScalekitMockContainer(IMAGE)
        .withAdminToken("container-admin-token-1")
        .withSettings({ otpLength: 8, appName: "Acme" })
        .withTemplates(templates)
        .start();
      rmSync(templates, { recursive: true });
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

    it("sends the environment's own email template copied in by withTemplates, with its sender and the settings' values", async () => {
      const sdk = new ScalekitClient(mock.getEnvironmentUrl(), mock.getClientId(), mock.getClientSecret());
      // The SDK takes the template by name at run time, though its type names only the enum (2 = SIGNUP).
      await sdk.passwordless.sendPasswordlessEmail("welcome@example.com", { template: 2, templateVariables: { first_name: "Wile" } });
      const { code } = await mock.getClient().inbox.waitForOtp("welcome@example.com");
      const email = await mock.getClient().inbox.latest({ to: "welcome@example.com" });
      expect(email).toMatchObject({ from: "Acme Rockets <hello@acme.test>", subject: `Welcome aboard, Wile: ${code}`, text: `Hi Wile, your Acme code is ${code}.\n` });
      expect(email.html).toBeUndefined();
      // The template reads first_name: a send without it is refused, as Scalekit documents.
      await expect(sdk.passwordless.sendPasswordlessEmail("welcome@example.com", { template: 2 })).rejects.toThrow(/first_name/);
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

  describe("ScalekitMockContainer with TLS on the main port", () => {
    let mock: StartedScalekitMockContainer;
    let ca: string;

    beforeAll(async () => {
      const started = performance.now();
      mock = await new ScalekitMockContainer(IMAGE).withSeed("container-tls").withTls().withEnvironment({ SCALEKIT_MOCK_TLS_CA_OUT: "/app/tls/ca.pem" }).start();
      ca = await mock.getCaCertificate();
      console.log(`TLS container start-to-healthy, CA read: ${(performance.now() - started).toFixed(0)} ms`);
    }, 120_000);
    afterAll(async () => {
      await mock?.stop();
    });

    it("gets a token and sends an email by REST over https:// on the mapped port, trusting the CA it serves", async () => {
      expect(mock.getHttpsUrl()).toBe(mock.getEnvironmentUrl().replace(/^http:/, "https:"));
      expect(ca).toMatch(/^-----BEGIN CERTIFICATE-----/);
      const form = new URLSearchParams({ grant_type: "client_credentials", client_id: mock.getClientId(), client_secret: mock.getClientSecret() });
      const token = await https1(`${mock.getHttpsUrl()}/oauth/token`, { ca, method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: form.toString() });
      expect(token.status).toBe(200);
      const accessToken = (JSON.parse(token.body) as { access_token: string }).access_token;
      const sent = await https1(`${mock.getHttpsUrl()}/api/v1/passwordless/email/send`, {
        ca,
        method: "POST",
        headers: { authorization: `Bearer ${accessToken}`, "content-type": "application/json" },
        body: JSON.stringify({ email: "rest-tls@example.com" }),
      });
      expect(sent.status).toBe(200);
      expect((await mock.getClient().inbox.waitForOtp("rest-tls@example.com")).auth_request_id).toBe((JSON.parse(sent.body) as { auth_request_id: string }).auth_request_id);
    });

    it("writes the CA where a volume can share it with other containers", async () => {
      expect((await mock.exec(["cat", "/app/tls/ca.pem"])).stdout).toBe(ca);
    });

    it("is refused by a client that trusts another CA only", async () => {
      const otherCa = readFileSync(process.env.NODE_EXTRA_CA_CERTS!, "utf8"); // the run's in-process TLS mock's CA
      expect(otherCa).not.toBe(ca);
      await expect(https1(`${mock.getHttpsUrl()}/_mock/v1/health`, { ca: otherCa })).rejects.toMatchObject({ code: "UNABLE_TO_VERIFY_LEAF_SIGNATURE" });
    });

    it("answers gRPC over h2 negotiated by ALPN on the same port", async () => {
      const token = await fetchToken(mock.getEnvironmentUrl(), mock.getClientId(), mock.getClientSecret());
      const transport = createGrpcTransport({
        baseUrl: mock.getHttpsUrl(),
        nodeOptions: { ca },
        interceptors: [(next) => (request) => (request.header.set("authorization", `Bearer ${token}`), next(request))],
      });
      const sent = await createClient(PasswordlessService, transport).sendPasswordlessEmail({ email: "grpc-tls@example.com" });
      expect(sent.authRequestId).toBe((await mock.getClient().inbox.waitForOtp("grpc-tls@example.com")).auth_request_id);
    });

    it("keeps answering plain http:// on the same mapped port, and publishes no other port", async () => {
      expect((await fetch(`${mock.getEnvironmentUrl()}/_mock/v1/health`)).status).toBe(200);
      await expect(fetchToken(mock.getEnvironmentUrl(), mock.getClientId(), mock.getClientSecret())).resolves.toMatch(/\S/);
      const client = await getContainerRuntimeClient();
      const inspect = await client.container.inspect(client.container.getById(mock.getId()));
      expect(Object.keys(inspect.Config.ExposedPorts ?? {})).toEqual(["8787/tcp"]);
      expect(() => mock.getTlsPortUrl()).toThrow("no TLS-only port: call withTlsPort(port)");
    });
  });

  describe("the grpc-java recipe: port 443 of a network alias, TLS only, ALPN h2, the CA in the client's trust store", () => {
    const ALIAS = "scalekit-mock.test";
    const BASE = `https://${ALIAS}`;
    let network: StartedNetwork;
    let mock: StartedScalekitMockContainer;
    let client: TlsClientContainer;

    beforeAll(async () => {
      const started = performance.now();
      network = await new Network().start();
      mock = await new ScalekitMockContainer(IMAGE).withSeed("container-443").withTls().withTlsPort(443).withNetwork(network).withNetworkAliases(ALIAS).start();
      client = await startTlsClient(IMAGE, network, await mock.getCaCertificate());
      console.log(`443 mock and client containers started: ${(performance.now() - started).toFixed(0)} ms`);
    }, 120_000);
    afterAll(async () => {
      await Promise.all([client?.stop(), mock?.stop()]);
      await network?.stop();
    });

    it("lets the image's non-root user listen on 443, through the sysctl the module sets", async () => {
      expect((await mock.exec(["id", "-u"])).output.trim()).not.toBe("0");
      expect((await mock.exec(["cat", "/proc/sys/net/ipv4/ip_unprivileged_port_start"])).output.trim()).toBe("0");
      expect((await fetch(`${mock.getEnvironmentUrl()}/_mock/v1/health`)).status).toBe(200);
    });

    it("gives another container on the network a token from https://<alias>/oauth/token, port 443 implied", async () => {
      const answer = await client.token(BASE, mock.getClientId(), mock.getClientSecret());
      expect(answer).toMatchObject({ status: 200, remotePort: 443 });
      expect(JSON.parse(answer.body!)).toMatchObject({ token_type: "Bearer", access_token: expect.stringMatching(/\S/) });
    });

    it("serves that container a gRPC call over h2 chosen by ALPN on port 443 of the alias, as grpc-java makes it", async () => {
      const token = await fetchToken(mock.getEnvironmentUrl(), mock.getClientId(), mock.getClientSecret());
      const frame = grpcRequest(SendPasswordlessRequestSchema, { email: "java@example.com" });
      const { answer, alpn, remotePort } = await client.grpc(BASE, `${SERVICE_PATH}SendPasswordlessEmail`, token, frame);
      expect({ alpn, remotePort, status: answer.status }).toEqual({ alpn: "h2", remotePort: 443, status: 200 });
      expect(grpcStatusOf(answer).code).toBe(0);
      const sent = grpcResponse(SendPasswordlessResponseSchema, answer);
      expect(sent.authRequestId).toBe((await mock.getClient().inbox.waitForOtp("java@example.com")).auth_request_id);
    });

    it("is refused by that container when it does not trust the CA", async () => {
      expect(await client.token(BASE, mock.getClientId(), mock.getClientSecret(), { trustCa: false })).toEqual({ error: "UNABLE_TO_VERIFY_LEAF_SIGNATURE" });
    });

    it("publishes the TLS-only port to the host as well", async () => {
      const ca = await mock.getCaCertificate();
      expect(mock.getTlsPortUrl()).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      expect(mock.getTlsPortUrl()).not.toBe(mock.getHttpsUrl());
      expect((await https1(`${mock.getTlsPortUrl()}/_mock/v1/health`, { ca })).status).toBe(200);
    });
  });

  catalogOn(containerTarget({ SCALEKIT_MOCK_IMAGE: IMAGE }), mockNa, [], 120_000);
});
