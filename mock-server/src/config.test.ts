import { describe, expect, it } from "vitest";
import { parseCli } from "./cli-args.js";
import { ConfigError, SERVER_LIMIT_DEFAULTS, serverOptionsSchema, tlsMode } from "./config.js";

const serve = (argv: string[], env: NodeJS.ProcessEnv = {}) => {
  const request = parseCli(argv, env);
  if (request.kind !== "serve") throw new Error(`expected options, got ${request.kind}`);
  return request.options;
};

describe("connection limits", () => {
  it("default to generous values", () => {
    expect(serverOptionsSchema.parse({})).toMatchObject(SERVER_LIMIT_DEFAULTS);
    expect(SERVER_LIMIT_DEFAULTS.idleTimeout).toBeGreaterThanOrEqual(120_000);
  });

  it("read durations from flags and SCALEKIT_MOCK_* env vars, flags first; a bare number is seconds", () => {
    const options = serve(["--idle-timeout", "2m", "--max-connections", "50", "--headers-timeout", "15"], {
      SCALEKIT_MOCK_IDLE_TIMEOUT: "10s",
      SCALEKIT_MOCK_FIRST_BYTE_TIMEOUT: "250ms",
      SCALEKIT_MOCK_MAX_CONNECTIONS: "7",
    });
    expect(options).toMatchObject({ idleTimeout: 120_000, firstByteTimeout: 250, headersTimeout: 15_000, maxConnections: 50 });
    expect(serve([], { SCALEKIT_MOCK_HEADERS_TIMEOUT: "1m", SCALEKIT_MOCK_MAX_CONNECTIONS: "7" })).toMatchObject({ headersTimeout: 60_000, maxConnections: 7 });
  });

  it("take milliseconds as numbers in code, and parse their own output to the same values", () => {
    const options = serverOptionsSchema.parse({ idleTimeout: 90_000, headersTimeout: "2s" });
    expect(options).toMatchObject({ idleTimeout: 90_000, headersTimeout: 2_000 });
    expect(serverOptionsSchema.parse(options)).toEqual(options);
  });

  it("read the request timeout from --request-timeout or SCALEKIT_MOCK_REQUEST_TIMEOUT, five minutes by default", () => {
    expect(serve([]).requestTimeout).toBe(300_000);
    expect(serve(["--request-timeout", "90"], { SCALEKIT_MOCK_REQUEST_TIMEOUT: "10m" }).requestTimeout).toBe(90_000);
    expect(serve([], { SCALEKIT_MOCK_REQUEST_TIMEOUT: "10m" }).requestTimeout).toBe(600_000);
    expect(serverOptionsSchema.parse({ requestTimeout: 1_500, headersTimeout: "1s" }).requestTimeout).toBe(1_500);
  });

  it("refuse a request timeout shorter than the headers timeout, saying which to change", () => {
    const argv = ["--request-timeout", "10s", "--headers-timeout", "20s"];
    expect(() => serve(argv)).toThrow(ConfigError);
    expect(() => serve(argv)).toThrow(/requestTimeout: 10000 ms is shorter than headersTimeout \(20000 ms\).*raise --request-timeout or lower --headers-timeout/);
    expect(() => serverOptionsSchema.parse({ headersTimeout: "10m" })).toThrow("requestTimeout");
    expect(serve(argv.slice(0, 2).concat("--headers-timeout", "10s"))).toMatchObject({ requestTimeout: 10_000, headersTimeout: 10_000 });
  });

  it.each([
    [["--request-timeout", "0"], "requestTimeout"],
    [["--first-byte-timeout", "0"], "firstByteTimeout"],
    [["--idle-timeout", "2 days"], "idleTimeout"],
    [["--idle-timeout", "2d"], "idleTimeout"],
    [["--max-connections", "lots"], "maxConnections"],
    [["--max-connections", "1.5"], "maxConnections"],
  ])("refuse %j with the option's name", (argv, name) => {
    expect(() => serve(argv)).toThrow(ConfigError);
    expect(() => serve(argv)).toThrow(name);
  });
});

describe("TLS options", () => {
  it("are off unless asked for; --tls, SCALEKIT_MOCK_TLS, --tls-port or --tls-ca-out ask for a generated certificate", () => {
    expect(tlsMode(serve([]))).toBe("off");
    expect(tlsMode(serve(["--tls"]))).toBe("generated");
    expect(tlsMode(serve([], { SCALEKIT_MOCK_TLS: "true" }))).toBe("generated");
    expect(tlsMode(serve([], { SCALEKIT_MOCK_TLS: "0" }))).toBe("off");
    expect(serve([], { SCALEKIT_MOCK_TLS_PORT: "443" })).toMatchObject({ tlsPort: 443 });
    expect(tlsMode(serve(["--tls-port", "8443"]))).toBe("generated");
    expect(tlsMode(serve(["--tls-ca-out", "/tmp/ca.pem"]))).toBe("generated");
    expect(tlsMode(serve(["--tls-cert", "a.crt", "--tls-key", "a.key"]))).toBe("file");
    expect(serve(["--tls-cert", "a.crt"], { SCALEKIT_MOCK_TLS_KEY: "b.key" })).toMatchObject({ tlsCert: "a.crt", tlsKey: "b.key" });
  });

  it.each([
    [["--tls-cert", "a.crt"], "--tls-cert and --tls-key go together"],
    [["--tls-key", "a.key"], "--tls-cert and --tls-key go together"],
    [["--tls-cert", "a.crt", "--tls-key", "a.key", "--tls-ca-out", "ca.pem"], "nothing is generated"],
    [["--port", "9443", "--tls-port", "9443"], "is the main port"],
    [["--tls-port", "https"], "--tls-port must be a number"],
    [["--tls-port", "70000"], "tlsPort"],
  ])("refuse %j, saying why", (argv, message) => {
    expect(() => serve(argv)).toThrow(ConfigError);
    expect(() => serve(argv)).toThrow(message);
  });

  it("refuse an env switch that is neither true nor false, and tls: false beside options that ask for TLS", () => {
    expect(() => serve([], { SCALEKIT_MOCK_TLS: "maybe" })).toThrow('SCALEKIT_MOCK_TLS must be true or false, got "maybe"');
    expect(() => serverOptionsSchema.parse({ tls: false, tlsPort: 8443 })).toThrow("tls is false, yet other tls options ask for TLS");
  });
});
