import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { issueTestCertificate } from "../mock-server/src/tls/certificates.test-helpers.js";
import { CLI, ROOT, runCli, startCli, type RunningCli } from "./support/cli.js";
import { https2 } from "./support/tls-clients.js";

const manifest = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string; devDependencies: Record<string, string> };
const version = manifest.version;
const running: RunningCli[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((r) => r.stop("SIGKILL")));
});

async function start(args: string[], env: Record<string, string> = {}): Promise<RunningCli> {
  const cli = await startCli(process.execPath, [CLI, ...args], env);
  running.push(cli);
  return cli;
}

const tempFile = (name: string, content: string) => {
  const path = join(mkdtempSync(join(tmpdir(), "scalekit-mock-")), name);
  writeFileSync(path, content);
  return path;
};

describe("scalekit-mock CLI", () => {
  it("prints help and version", async () => {
    const help = await runCli(["--help"]);
    expect(help.code).toBe(0);
    for (const flag of ["--port", "--host", "--seed", "--client-id", "--client-secret", "--passwordless-type", "--config", "SCALEKIT_MOCK_PORT", "--tls", "--tls-cert", "--tls-key", "--tls-ca-out", "--tls-port", "SCALEKIT_MOCK_TLS",
      "--first-byte-timeout", "--headers-timeout", "--request-timeout", "--idle-timeout", "--max-connections", "SCALEKIT_MOCK_IDLE_TIMEOUT",
      "SCALEKIT_MOCK_REQUEST_TIMEOUT"]) {
      expect(help.stdout).toContain(flag);
    }
    // The bare version comes first, then the SDK versions the test suites run: the SDK and its oldest-supported alias.
    const oldest = manifest.devDependencies["scalekit-sdk-node-oldest"]!.replace("npm:@scalekit-sdk/node@", "");
    const newest = manifest.devDependencies["@scalekit-sdk/node"]!;
    const printed = await runCli(["--version"]);
    expect(printed).toMatchObject({ code: 0, stdout: `${version} (verified with @scalekit-sdk/node ${oldest} and ${newest})\n` });
    expect(printed.stdout.split(" ")[0]).toBe(version);
  });

  it.each([
    [["--bogus"], "Unknown option"],
    [["--port", "abc"], "--port must be a number"],
    [["--port", "70000"], "port"],
    [["--passwordless-type", "SMS"], "OTP, LINK, LINK_OTP"],
    [["--token-ttl", "soon"], "tokenTtl"],
    [["--idle-timeout", "soon"], "idleTimeout"],
    [["--headers-timeout", "0"], "headersTimeout"],
    [["--request-timeout", "1s"], "requestTimeout: 1000 ms is shorter than headersTimeout"],
    [["--max-connections", "0"], "maxConnections"],
    [["--config", "/nonexistent/scalekit.json"], "cannot read config file"],
    [["extra"], "Unexpected argument"],
  ])("exits 2 with a clear message for %j", async (args, message) => {
    const result = await runCli(args);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(result.stderr.split("\n").length).toBeLessThan(5);
  });

  it("exits 2 for a config file that is not valid JSON or has unknown keys", async () => {
    expect((await runCli(["--config", tempFile("bad.json", "{port:")])).code).toBe(2);
    const unknown = await runCli(["--config", tempFile("unknown.json", JSON.stringify({ prot: 1 }))]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("prot");
    const proto = await runCli(["--config", tempFile("proto.json", '{"settings": {"__proto__": {"otpLength": 4}}}')]);
    expect(proto.code).toBe(2);
    expect(proto.stderr).toContain("__proto__");
  });

  it("says where a config file's JSON breaks without quoting the file, which may hold the secret", async () => {
    const secret = await runCli(["--config", tempFile("secret.json", '{"clientSecret": s3cr3t-VALUE-99}')]);
    expect(secret.code).toBe(2);
    expect(secret.stderr).toContain("is not valid JSON");
    expect(secret.stderr).not.toMatch(/s3cr3t|VAL/);
    const comma = await runCli(["--config", tempFile("comma.json", '{\n  "port": 1,\n}')]);
    expect(comma.stderr).toContain("at line 3, column 1");
  });

  it("prints url and credentials when ready, serves, and exits 0 on SIGTERM and SIGINT", async () => {
    for (const signal of ["SIGTERM", "SIGINT"] as const) {
      const cli = await start(["--port", "0", "--client-id", "skc_cli", "--client-secret", "cli-secret-123"]);
      expect(cli.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect([cli.clientId, cli.clientSecret]).toEqual(["skc_cli", "cli-secret-123"]);
      expect(cli.output()).toContain(`${cli.url}/_mock/ui`);
      expect(cli.output()).not.toContain("cli-secret-123");
      expect(await fetch(`${cli.url}/_mock/v1/health`).then((r) => r.json())).toMatchObject({ status: "ok", version });
      console.log(`CLI start-to-ready: ${cli.readyMs.toFixed(0)} ms`);
      expect(await cli.stop(signal)).toBe(0);
    }
  });

  it("answers a long-poll still waiting at SIGTERM with 503 UNAVAILABLE before it exits", async () => {
    const cli = await start(["--port", "0"]);
    const poll = fetch(`${cli.url}/_mock/v1/otp?email=late@example.com&wait=30s`);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const exited = cli.stop("SIGTERM");
    const response = await poll;
    expect(response.status).toBe(503);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe("UNAVAILABLE");
    expect(await exited).toBe(0);
  });

  it("reads SCALEKIT_MOCK_* env vars, a config file, and lets flags win", async () => {
    const config = tempFile("mock.json", JSON.stringify({ seed: "from-file", settings: { passwordlessType: "LINK", maxAttempts: 2 } }));
    const cli = await start(["--port", "0", "--passwordless-type", "LINK_OTP"], {
      SCALEKIT_MOCK_CONFIG: config,
      SCALEKIT_MOCK_CLIENT_ID: "skc_env",
      SCALEKIT_MOCK_PASSWORDLESS_TYPE: "OTP",
    });
    expect(cli.clientId).toBe("skc_env");
    expect(cli.output()).toContain("seed              from-file");
    const settings = await fetch(`${cli.url}/_mock/v1/settings`).then((r) => r.json());
    expect(settings).toMatchObject({ passwordlessType: "LINK_OTP", maxAttempts: 2 });
  });

  it("derives the default client secret from the seed", async () => {
    const a = await start(["--port", "0", "--seed", "abc"]);
    const b = await start(["--port", "0", "--seed", "abc"]);
    const c = await start(["--port", "0", "--seed", "xyz"]);
    expect(a.clientSecret).toBe(b.clientSecret);
    expect(a.clientSecret).not.toBe(c.clientSecret);
    expect(a.clientId).toBe("skc_mock_default");
  });

  it("exits 1 with a hint when the port is taken", async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    const port = (blocker.address() as { port: number }).port;
    const result = await runCli(["--port", String(port)]);
    blocker.close();
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`port ${port} is already in use`);
  });

  it("with --tls serves https:// on the same port, names the CA file in the banner, and writes the CA there", async () => {
    const caFile = join(mkdtempSync(join(tmpdir(), "scalekit-mock-")), "ca.pem");
    const cli = await start(["--port", "0", "--tls", "--tls-ca-out", caFile, "--tls-port", "0"]);
    const https = /^ {2}https +(https:\/\/\S+) \(same port as http:\/\/\)$/m.exec(cli.output())?.[1];
    expect(https).toBe(cli.url.replace(/^http:/, "https:"));
    expect(cli.output()).toMatch(/^ {2}tls-only port +https:\/\/127\.0\.0\.1:\d+$/m);
    expect(cli.output()).toContain(`ca certificate    ${caFile} (also at /_mock/v1/tls/ca.pem); valid for localhost, 127.0.0.1, ::1`);
    const ca = readFileSync(caFile, "utf8");
    expect(await fetch(`${cli.url}/_mock/v1/tls/ca.pem`).then((r) => r.text())).toBe(ca);
    expect((await https2(`${https}/_mock/v1/health`, { ca })).status).toBe(200);
    console.log(`CLI start-to-ready with --tls: ${cli.readyMs.toFixed(0)} ms`);
  });

  it("with --tls writes the CA to a temp file named in the banner when --tls-ca-out is not given", async () => {
    const cli = await start(["--port", "0"], { SCALEKIT_MOCK_TLS: "true" });
    const file = /^ {2}ca certificate +(\S+) /m.exec(cli.output())?.[1];
    expect(file?.startsWith(tmpdir())).toBe(true);
    expect(readFileSync(file!, "utf8")).toContain("-----BEGIN CERTIFICATE-----");
  });

  it("exits 1 saying what is wrong when the certificate given has expired, and 2 when its key is missing", async () => {
    const now = Date.now();
    const expired = await issueTestCertificate({ commonName: "localhost", names: ["localhost"], notBefore: new Date(now - 3 * 86_400_000), notAfter: new Date(now - 86_400_000) });
    const result = await runCli(["--port", "0", "--tls-cert", tempFile("old.crt", expired.certPem), "--tls-key", tempFile("old.key", expired.keyPem)]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^scalekit-mock: .*expired/i);
    expect(result.stderr).not.toContain("PRIVATE KEY");
    const half = await runCli(["--port", "0", "--tls-cert", tempFile("half.crt", expired.certPem)]);
    expect(half.code).toBe(2);
    expect(half.stderr).toContain("--tls-cert and --tls-key go together");
  });
});
