import { ScalekitClient } from "@scalekit-sdk/node";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { controlErrorBody } from "../mock-server/src/schemas/scalekit.js";
import { createMockScalekit, type MockScalekit } from "../mock-server/src/index.js";
import { CLI, startCli, type RunningCli } from "./support/cli.js";
import { restSession } from "./support/rest.js";

let mock: MockScalekit;

beforeAll(async () => {
  mock = await createMockScalekit({ seed: "hooks", clientSecret: "a-very-secret-client-secret" });
});
afterAll(() => mock.close());
beforeEach(() => mock.reset());

const getJson = (path: string) => fetch(`${mock.url}/_mock/v1${path}`).then(async (r) => ({ status: r.status, body: (await r.json()) as any }));

describe("request journal", () => {
  it("records every call on both transports with secrets, tokens and codes redacted", async () => {
    const api = await restSession(mock);
    const sent = await api.send({ email: "j@example.com" });
    const { code } = await mock.inbox.waitForOtp("j@example.com");
    await api.verify({ code: "000000x", auth_request_id: sent.body.auth_request_id });
    await api.verify({ code, auth_request_id: sent.body.auth_request_id });
    const scalekit = new ScalekitClient(mock.url, mock.clientId, mock.clientSecret);
    const viaSdk = await scalekit.passwordless.sendPasswordlessEmail("k@example.com", { magiclinkAuthUri: "https://app.test/cb" });
    const sdkCode = (await mock.inbox.waitForOtp("k@example.com")).code;
    await scalekit.passwordless.verifyPasswordlessEmail({ code: sdkCode }, viaSdk.authRequestId);

    const { body } = await getJson("/requests");
    const text = JSON.stringify(body);
    for (const secret of [mock.clientSecret, api.token, code, sdkCode, api.token.split(".")[2]!]) expect(text).not.toContain(secret);
    expect(body.requests.map((r: any) => `${r.transport} ${r.operation} ${r.outcome}`)).toEqual([
      "grpc verify ok",
      "grpc send ok",
      "rest token ok",
      "grpc send UNAUTHENTICATED",
      "rest verify ok",
      "rest verify OTP_INVALID",
      "rest send ok",
      "rest token ok",
    ]);
    const restVerify = body.requests[4];
    expect(restVerify).toMatchObject({ email: "j@example.com", auth_request_id: sent.body.auth_request_id, http_status: 200, grpc_code: "OK" });
    expect(restVerify.headers.authorization).toBe("Bearer [redacted]");
    expect(restVerify.duration_ms).toBeGreaterThanOrEqual(0);
    expect(body.requests[0].headers["x-sdk-version"]).toMatch(/^Scalekit-Node\//);
    expect(body.requests[0].headers.authorization).toBe("Bearer [redacted]");
  });

  it("filters by operation, transport, status and time, newest first, within its limit", async () => {
    const api = await restSession(mock);
    mock.clock.freeze();
    await api.send({ email: "a@example.com" });
    mock.clock.advance("1m");
    const since = mock.clock.now().toISOString();
    await api.send({ email: "bad" });
    await api.verify({ code: "1", auth_request_id: "missing" });
    expect((await getJson("/requests?operation=send")).body.count).toBe(2);
    expect((await getJson("/requests?transport=grpc")).body.count).toBe(0);
    expect((await getJson("/requests?status=404")).body.requests.map((r: any) => r.operation)).toEqual(["verify"]);
    expect((await getJson("/requests?status=InvalidArgument")).body.requests.map((r: any) => r.email)).toEqual(["bad"]);
    expect((await getJson("/requests?status=error")).body.count).toBe(2);
    expect((await getJson(`/requests?since=${encodeURIComponent(since)}`)).body.count).toBe(2);
    expect((await getJson("/requests?limit=1")).body.requests[0].operation).toBe("verify");
    expect((await getJson("/requests?operation=delete")).status).toBe(400);
    mock.settings.update({ journalLimit: 2 });
    expect((await getJson("/requests")).body.count).toBe(2);
    expect(await fetch(`${mock.url}/_mock/v1/requests`, { method: "DELETE" }).then((r) => r.json())).toEqual({ deleted: 2 });
  });
});

describe("event stream", () => {
  /** Reads server-sent events until `count` have arrived. */
  async function collect(path: string, count: number, act: () => Promise<void>) {
    const controller = new AbortController();
    const response = await fetch(`${mock.url}/_mock/v1${path}`, { signal: controller.signal });
    expect(response.headers.get("content-type")).toContain("text/event-stream");
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let buffer = "";
    const events: Array<{ id: string; event: string; data: any }> = [];
    const first = await reader.read();
    buffer += decoder.decode(first.value);
    await act();
    while (events.length < count) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let end: number;
      while ((end = buffer.indexOf("\n\n")) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const field = (name: string) => /^(\w+): ?(.*)$/gm.exec(block) && [...block.matchAll(/^(\w+): ?(.*)$/gm)].find((m) => m[1] === name)?.[2];
        if (field("event")) events.push({ id: field("id")!, event: field("event")!, data: JSON.parse(field("data")!) });
      }
    }
    controller.abort();
    return events;
  }

  it("streams captures, verifications, failures, fault hits and clock changes in order", async () => {
    const api = await restSession(mock);
    const events = await collect("/events", 6, async () => {
      const sent = await api.send({ email: "ev@example.com" });
      await api.verify({ code: "x", auth_request_id: sent.body.auth_request_id });
      const { code } = await mock.inbox.waitForOtp("ev@example.com");
      await api.verify({ code, auth_request_id: sent.body.auth_request_id });
      mock.faults.add({ operation: "send", error: "Unavailable", times: 1 });
      await api.send({ email: "ev@example.com" });
      mock.clock.advance("1m");
      await api.send({ email: "ev2@example.com" });
    });
    expect(events.map((e) => e.event)).toEqual(["email.captured", "auth_request.failed", "auth_request.verified", "fault.hit", "clock.changed", "email.captured"]);
    expect(events.every((e) => e.data.environment_id === "default")).toBe(true);
    expect(events.map((e) => Number(e.id))).toEqual([...events.map((e) => Number(e.id))].sort((a, b) => a - b));
    expect(events[0]!.data).toMatchObject({ to: "ev@example.com", seq: 1 });
    expect(events[1]!.data).toMatchObject({ error_code: "OTP_INVALID", attempts: 1 });
    expect(events[3]!.data).toMatchObject({ fault_id: "f_1", operation: "send", transport: "rest" });
  });

  it("streams only the environment addressed, or all with environment=*", async () => {
    const other = mock.environment({ id: "events-other" });
    const api = await restSession({ url: mock.url, clientId: other.clientId, clientSecret: other.clientSecret });
    const own = await collect("/environments/events-other/events", 1, async () => {
      await (await restSession(mock)).send({ email: "default@example.com" });
      await api.send({ email: "other@example.com" });
    });
    expect(own.map((e) => [e.event, e.data.environment_id, e.data.to])).toEqual([["email.captured", "events-other", "other@example.com"]]);
    const all = await collect("/events?environment=*", 2, async () => {
      await (await restSession(mock)).send({ email: "default@example.com" });
      await api.send({ email: "other@example.com" });
    });
    expect(all.map((e) => e.data.environment_id)).toEqual(["default", "events-other"]);
    mock.deleteEnvironment(other.id);
  });
});

describe("snapshot", () => {
  const running: RunningCli[] = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map((r) => r.stop("SIGKILL")));
  });
  const start = async (seed: string) => {
    const cli = await startCli(process.execPath, [CLI, "--port", "0", "--seed", seed]);
    running.push(cli);
    return cli;
  };
  const call = (cli: RunningCli, method: string, path: string, body?: unknown) =>
    fetch(`${cli.url}${path}`, { method, ...(body !== undefined && { headers: { "content-type": "application/json" }, body: JSON.stringify(body) }) }).then(
      async (r) => ({ status: r.status, body: (await r.json()) as any }),
    );

  it("restores mid-flow in a new process, which then behaves as the old one would", async () => {
    const a = await start("snap");
    const apiA = await restSession(a);
    await call(a, "PUT", "/_mock/v1/settings", { newCredentialsOnResend: true, maxAttempts: 3 });
    await call(a, "POST", "/_mock/v1/faults", { operation: "verify", match: { email: "nobody@example.com" }, error: "Internal" });
    const sent = await apiA.send({ email: "snap@example.com", state: "s1" });
    await apiA.verify({ code: "bad", auth_request_id: sent.body.auth_request_id });
    const snapshot = (await call(a, "GET", "/_mock/v1/snapshot")).body;
    expect(snapshot).toMatchObject({ format: "scalekit-mock/snapshot", version: 1, environmentId: "default" });

    const b = await start("another-seed");
    const restored = await call(b, "PUT", "/_mock/v1/snapshot", snapshot);
    expect(restored.body).toMatchObject({ restored: true, auth_requests: 1, emails: 1, faults: 1 });
    expect((await call(b, "GET", "/_mock/v1/settings")).body).toMatchObject({ newCredentialsOnResend: true, maxAttempts: 3 });
    expect((await call(b, "GET", "/_mock/v1/faults")).body.faults[0]).toMatchObject({ id: "f_1", error: "Internal" });
    expect((await call(b, "GET", `/_mock/v1/auth-requests/${sent.body.auth_request_id}`)).body).toMatchObject({ attempts: 1, state: "s1" });

    // Both processes continue the same way: the resend issues the same new code in each.
    const apiB = await restSession(b);
    const resentA = await apiA.resend({ auth_request_id: sent.body.auth_request_id });
    const resentB = await apiB.resend({ auth_request_id: sent.body.auth_request_id });
    expect(resentB.body.auth_request_id).toBe(resentA.body.auth_request_id);
    const otpA = (await call(a, "GET", "/_mock/v1/otp?email=snap@example.com")).body;
    const otpB = (await call(b, "GET", "/_mock/v1/otp?email=snap@example.com")).body;
    expect(otpB.code).toBe(otpA.code);
    expect(otpB.seq).toBe(2);
    const verified = await apiB.verify({ code: otpB.code, auth_request_id: sent.body.auth_request_id });
    expect(verified.body).toEqual({ email: "snap@example.com", state: "s1", template: "SIGNIN", passwordless_type: "OTP" });
  }, 30_000);

  it("round-trips in-process, clock included", async () => {
    mock.clock.freeze();
    mock.clock.set("2030-05-01T00:00:00Z");
    await (await restSession(mock)).send({ email: "rt@example.com" });
    const taken = mock.snapshot();
    mock.reset();
    expect(mock.inbox.list()).toEqual([]);
    mock.restore(JSON.parse(JSON.stringify(taken)));
    expect(mock.clock.now().toISOString()).toBe("2030-05-01T00:00:00.000Z");
    expect(mock.snapshot()).toEqual(taken);
  });

  it("refuses a snapshot of another version or shape, naming the field, and keeps the state", async () => {
    await (await restSession(mock)).send({ email: "keep@example.com" });
    const taken = mock.snapshot();
    const put = (body: unknown) =>
      fetch(`${mock.url}/_mock/v1/snapshot`, { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify(body) }).then(
        async (r) => ({ status: r.status, body: (await r.json()) as any }),
      );
    const wrongVersion = await put({ ...taken, version: 2 });
    expect(wrongVersion.status).toBe(400);
    expect(controlErrorBody.parse(wrongVersion.body).error.message).toContain("version");
    const badRequest = await put({ ...taken, state: { ...taken.state, authRequests: [{ ...taken.state.authRequests[0], attempts: -1 }] } });
    expect(badRequest.status).toBe(400);
    expect(badRequest.body.error.message).toContain("state.authRequests.0.attempts");
    expect(mock.inbox.list()).toHaveLength(1);
  });
});
