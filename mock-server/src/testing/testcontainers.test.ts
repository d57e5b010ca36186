import { join } from "node:path";
import type { StartedTestContainer } from "testcontainers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMockScalekit, type MockScalekit } from "../index.js";
import { allowedHostsFor, ScalekitMockContainer, StartedScalekitMockContainer } from "./testcontainers.js";
import { checkTlsPort, containerTlsSetup, NO_TLS_PORT_MESSAGE, TLS_OFF_MESSAGE } from "./testcontainers-tls.js";

describe("the names a started container's control API answers to", () => {
  it("adds the runtime's host and the network aliases to the names given", () => {
    expect(allowedHostsFor(undefined, "docker", ["scalekit", "mock"])).toBe("docker,scalekit,mock");
    expect(allowedHostsFor("ci.example, .corp.example", "localhost", [])).toBe("ci.example,.corp.example,localhost");
  });

  it("leaves out IP addresses (always allowed), blanks and repeats", () => {
    expect(allowedHostsFor("", "127.0.0.1", ["scalekit", "scalekit", "::1", " "])).toBe("scalekit");
  });

  it("puts the network aliases among the names of the certificate a TLS container generates, as the mock derives them from the allowed hosts", async () => {
    const allowedHosts = allowedHostsFor(undefined, "localhost", ["scalekit-mock.test", "scalekit"]).split(",");
    const mock = await createMockScalekit({ seed: "testcontainers-names", tls: true, allowedHosts });
    try {
      expect(mock.tls!.names).toEqual(expect.arrayContaining(["localhost", "127.0.0.1", "scalekit-mock.test", "scalekit"]));
    } finally {
      await mock.close();
    }
  });
});

describe("what TLS asks of the container", () => {
  it("asks nothing with TLS off", () => {
    expect(containerTlsSetup({ tls: false, tlsPort: undefined })).toEqual({ environment: {}, exposedPorts: [], sysctls: {} });
  });

  it("turns TLS on for the main port alone with withTls()", () => {
    expect(containerTlsSetup({ tls: true, tlsPort: undefined })).toEqual({ environment: { SCALEKIT_MOCK_TLS: "true" }, exposedPorts: [], sysctls: {} });
  });

  it("publishes a TLS-only port below 1024 and lets the non-root user bind it", () => {
    expect(containerTlsSetup({ tls: false, tlsPort: 443 })).toEqual({
      environment: { SCALEKIT_MOCK_TLS: "true", SCALEKIT_MOCK_TLS_PORT: "443" },
      exposedPorts: [443],
      sysctls: { "net.ipv4.ip_unprivileged_port_start": "0" },
    });
  });

  it("changes no kernel setting for a TLS-only port from 1024 up", () => {
    expect(containerTlsSetup({ tls: true, tlsPort: 8443 })).toEqual({
      environment: { SCALEKIT_MOCK_TLS: "true", SCALEKIT_MOCK_TLS_PORT: "8443" },
      exposedPorts: [8443],
      sysctls: {},
    });
  });

  it("refuses a TLS-only port that cannot be published, or is the main port, when withTlsPort is called", () => {
    expect(checkTlsPort(443)).toBe(443);
    expect(checkTlsPort(65_535)).toBe(65_535);
    for (const port of [0, -1, 65_536, 443.5, Number.NaN]) expect(() => checkTlsPort(port)).toThrow(/whole number from 1 to 65535/);
    expect(() => checkTlsPort(8787)).toThrow("8787 is the main port, which already speaks TLS with withTls(); pick another port, e.g. 443");
    expect(() => new ScalekitMockContainer("scalekit-mock:test").withTlsPort(0)).toThrow(RangeError);
  });
});

/** A started container as far as the URL getters look: its host, and the host port each container port is published on. */
function started(port: number, published: Record<number, number> = {}): StartedTestContainer {
  return {
    getHost: () => "127.0.0.1",
    getMappedPort: (containerPort: number) => (containerPort === 8787 ? port : (published[containerPort] ?? Number.NaN)),
  } as unknown as StartedTestContainer;
}

describe("a started container's TLS URLs", () => {
  it("gives the https:// URL of the main port and of the published TLS-only port", () => {
    const container = new StartedScalekitMockContainer(started(32_768, { 443: 32_769 }), "skc", "secret", undefined, { tlsPort: 443 });
    expect(container.getEnvironmentUrl()).toBe("http://127.0.0.1:32768");
    expect(container.getHttpsUrl()).toBe("https://127.0.0.1:32768");
    expect(container.getTlsPortUrl()).toBe("https://127.0.0.1:32769");
  });

  it("says to call withTls() when asked for https:// of a container started without TLS", async () => {
    const container = new StartedScalekitMockContainer(started(32_768), "skc", "secret", undefined);
    expect(() => container.getHttpsUrl()).toThrow(TLS_OFF_MESSAGE);
    expect(() => container.getTlsPortUrl()).toThrow(TLS_OFF_MESSAGE);
    await expect(container.getCaCertificate()).rejects.toThrow(TLS_OFF_MESSAGE);
    expect(TLS_OFF_MESSAGE).toContain("call withTls()");
  });

  it("says to call withTlsPort() when asked for the TLS-only port of a container without one", () => {
    const container = new StartedScalekitMockContainer(started(32_768), "skc", "secret", undefined, { tlsPort: undefined });
    expect(container.getHttpsUrl()).toBe("https://127.0.0.1:32768");
    expect(() => container.getTlsPortUrl()).toThrow(NO_TLS_PORT_MESSAGE);
    expect(NO_TLS_PORT_MESSAGE).toContain("call withTlsPort(port)");
  });
});

describe("a started container's CA certificate", () => {
  let withTls: MockScalekit;
  let withoutTls: MockScalekit;
  beforeAll(async () => {
    [withTls, withoutTls] = await Promise.all([createMockScalekit({ seed: "testcontainers-ca", tls: true }), createMockScalekit({ seed: "testcontainers-ca" })]);
  });
  afterAll(() => Promise.all([withTls?.close(), withoutTls?.close()]));

  it("is the CA the mock serves at /_mock/v1/tls/ca.pem", async () => {
    const container = new StartedScalekitMockContainer(started(Number(new URL(withTls.url).port)), "skc", "secret", undefined, { tlsPort: undefined });
    const ca = await container.getCaCertificate();
    expect(ca).toBe(withTls.tls!.ca);
    expect(ca).toMatch(/^-----BEGIN CERTIFICATE-----/);
  });

  it("is refused with the mock's reason when the mock has no CA", async () => {
    const container = new StartedScalekitMockContainer(started(Number(new URL(withoutTls.url).port)), "skc", "secret", undefined, { tlsPort: undefined });
    await expect(container.getCaCertificate()).rejects.toThrow(
      `cannot read the mock's CA certificate from ${withoutTls.url}/_mock/v1/tls/ca.pem (HTTP 404): TLS is off, so there is no CA: start the mock with --tls`,
    );
  });
});

describe("withTemplates", () => {
  class Inspected extends ScalekitMockContainer {
    copied() {
      return { directories: this.directoriesToCopy, templates: this.environment.SCALEKIT_MOCK_TEMPLATES };
    }
  }

  it("copies the template folder into the container and points --templates at it", () => {
    const dir = join(import.meta.dirname, "../../../fixtures/email-templates");
    const container = new Inspected("scalekit-mock:test").withTemplates(dir);
    expect(container.copied()).toEqual({
      directories: [{ source: join(import.meta.dirname, "../../../fixtures/email-templates"), target: "/tmp/scalekit-mock-templates", mode: 0o755 }],
      templates: "/tmp/scalekit-mock-templates",
    });
  });

  it("refuses a folder without manifest.json before any container starts", () => {
    expect(() => new ScalekitMockContainer("scalekit-mock:test").withTemplates(import.meta.dirname)).toThrow(/has no manifest\.json/);
  });
});
