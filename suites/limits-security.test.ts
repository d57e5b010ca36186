import { createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { MockApiError, ScalekitMockClient } from "../mock-server/src/client/index.js";
import { PasswordlessService } from "../mock-server/src/grpc/gen/scalekit/v1/auth/passwordless_pb.js";
import { createMockScalekit, type MockScalekit } from "../mock-server/src/index.js";
import { CLI, runCli, startCli, type RunningCli } from "./support/cli.js";
import { fetchToken, restSession } from "./support/rest.js";

describe("body size limits", () => {
  let mock: MockScalekit;
  beforeAll(async () => {
    mock = await createMockScalekit();
  });
  afterAll(() => mock.close());

  it("D33: refuses a REST body over 64 KiB with 413 and ResourceExhausted", async () => {
    const api = await restSession(mock);
    const result = await api.send({ email: "a@example.com", state: "s".repeat(70_000) });
    expect(result.status).toBe(413);
    expect(result.body).toMatchObject({ code: 8, details: [{ error_code: "PAYLOAD_TOO_LARGE" }] });
    expect((await api.send({ email: "a@example.com" })).status).toBe(200);
  });

  it("refuses a gRPC message over 64 KiB with ResourceExhausted and keeps serving", async () => {
    const token = await fetchToken(mock.url, mock.clientId, mock.clientSecret);
    const transport = createGrpcTransport({ baseUrl: mock.url, interceptors: [(next) => (req) => (req.header.set("authorization", `Bearer ${token}`), next(req))] });
    const client = createClient(PasswordlessService, transport);
    await expect(client.sendPasswordlessEmail({ email: "a@example.com", state: "s".repeat(70_000) })).rejects.toMatchObject({ code: 8 });
    expect((await client.sendPasswordlessEmail({ email: "b@example.com" })).expiresIn).toBe(300);
  });

  it("refuses a control body over 1 MiB with 413", async () => {
    const response = await fetch(`${mock.url}/_mock/v1/faults`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ x: "y".repeat(1_100_000) }) });
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ error: { code: "PAYLOAD_TOO_LARGE" } });
  });
});

describe("admin token", () => {
  it("guards the control API but not the Scalekit API or /health", async () => {
    const mock = await createMockScalekit({ adminToken: "an-admin-token-of-length" });
    try {
      const anonymous = new ScalekitMockClient(mock.url);
      expect((await anonymous.health()).status).toBe("ok");
      const refused = await anonymous.settings.get().catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(MockApiError);
      expect((refused as MockApiError).status).toBe(401);
      expect((await new ScalekitMockClient(mock.url, { adminToken: "wrong-token-but-long" }).settings.get().catch((e: MockApiError) => e.status))).toBe(401);
      const admin = new ScalekitMockClient(mock.url, { adminToken: "an-admin-token-of-length" });
      expect((await admin.settings.get()).otpLength).toBe(6);
      expect((await admin.forEnvironment("default").stats()).environment_id).toBe("default");
      expect((await (await restSession(mock)).send({ email: "a@example.com" })).status).toBe(200);
    } finally {
      await mock.close();
    }
  });

  it("is required to bind beyond loopback, unless the control API is opened on purpose", async () => {
    await expect(createMockScalekit({ host: "0.0.0.0" })).rejects.toThrow(/--admin-token/);
    const warnings: string[] = [];
    const original = console.warn;
    console.warn = (...args: unknown[]) => void warnings.push(args.join(" "));
    try {
      const open = await createMockScalekit({ host: "0.0.0.0", openControl: true });
      expect(warnings.join("\n")).toContain("control API is open");
      expect(open.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      await open.close();
    } finally {
      console.warn = original;
    }
    const cli = await runCli(["--host", "0.0.0.0", "--port", "0"]);
    expect(cli.code).toBe(2);
    expect(cli.stderr).toContain("--admin-token");
  });
});

describe("tokens", () => {
  it("D22: rejects a token signed by another mock's key", async () => {
    const a = await createMockScalekit({ clientId: "skc_same", clientSecret: "same-secret-123" });
    const b = await createMockScalekit({ clientId: "skc_same", clientSecret: "same-secret-123" });
    try {
      const foreign = await fetchToken(b.url, "skc_same", "same-secret-123");
      const response = await fetch(`${a.url}/api/v1/passwordless/email/send`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${foreign}` },
        body: JSON.stringify({ email: "a@example.com" }),
      });
      expect(response.status).toBe(401);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});

describe("graceful shutdown", () => {
  const running: RunningCli[] = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map((r) => r.stop("SIGKILL")));
  });

  it("finishes in-flight calls and ends long-polls and event streams within 2 s of SIGTERM", async () => {
    const cli = await startCli(process.execPath, [CLI, "--port", "0"]);
    running.push(cli);
    const api = await restSession(cli);
    await fetch(`${cli.url}/_mock/v1/faults`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ operation: "send", delayMs: 600 }) });
    const slow = api.send({ email: "slow@example.com" });
    const longPoll = fetch(`${cli.url}/_mock/v1/emails/latest?to=nobody@example.com&wait=60s`).then((r) => r.status, () => "closed");
    const events = await fetch(`${cli.url}/_mock/v1/events`);
    const streamEnded = events.body!.pipeTo(new WritableStream()).then(() => "ended", () => "ended");
    await new Promise((resolve) => setTimeout(resolve, 100));
    const started = performance.now();
    const exitCode = await cli.stop("SIGTERM");
    const elapsed = performance.now() - started;
    expect(exitCode).toBe(0);
    expect(elapsed).toBeLessThan(2_000);
    expect((await slow).status).toBe(200);
    expect(await longPoll).toBe(503);
    expect(await streamEnded).toBe("ended");
  });
});
