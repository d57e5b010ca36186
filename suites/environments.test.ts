import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { controlErrorBody } from "../mock-server/src/schemas/scalekit.js";
import { createMockScalekit, type MockScalekit } from "../mock-server/src/index.js";
import { restSession } from "./support/rest.js";

let mock: MockScalekit;

beforeAll(async () => {
  mock = await createMockScalekit({ seed: "environments" });
});
afterAll(() => mock.close());

async function control(method: string, path: string, body?: unknown) {
  const response = await fetch(`${mock.url}/_mock/v1${path}`, {
    method,
    ...(body !== undefined && { headers: { "content-type": "application/json" }, body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as any };
}

describe("environments", () => {
  it("creates, lists, shows and deletes an environment over the control API", async () => {
    const created = await control("POST", "/environments", { id: "team-a", settings: { passwordlessType: "LINK" } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      id: "team-a",
      environment_url: mock.url,
      control_url: `${mock.url}/_mock/v1/environments/team-a`,
      settings: { passwordlessType: "LINK" },
    });
    expect(created.body.client_id).toMatch(/^skc_/);
    expect(created.body.client_secret).toMatch(/^test_/);
    const listed = await control("GET", "/environments");
    expect(listed.body.environments.map((e: { id: string }) => e.id)).toEqual(["default", "team-a"]);
    expect(listed.body.environments[1]).not.toHaveProperty("client_secret");
    expect((await control("GET", "/environments/team-a/settings")).body.passwordlessType).toBe("LINK");
    expect((await control("GET", "/settings")).body.passwordlessType).toBe("OTP");
    expect((await control("DELETE", "/environments/team-a")).body).toEqual({ deleted: "team-a" });
    expect((await control("GET", "/environments/team-a")).status).toBe(404);
    expect((await control("GET", "/environments/team-a/emails")).status).toBe(404);
  });

  it("refuses a duplicate id, bad settings, and deleting the default", async () => {
    await control("POST", "/environments", { id: "dup" });
    expect((await control("POST", "/environments", { id: "dup" })).status).toBe(409);
    const bad = await control("POST", "/environments", { settings: { maxAttempts: -1 } });
    expect(bad.status).toBe(400);
    expect(controlErrorBody.parse(bad.body).error.message).toContain("maxAttempts");
    expect((await control("POST", "/environments", { id: "has space" })).status).toBe(400);
    expect((await control("DELETE", "/environments/default")).status).toBe(400);
  });

  it("refuses ids a URL would not carry as written, over HTTP and in-process, and leaves the default environment alone", async () => {
    await (await restSession(mock)).send({ email: "keep@example.com" });
    const before = (await control("GET", "/environments")).body;
    for (const id of [".", "..", "%2e%2e", ".hidden", "a/b", "../default", "has space", "café", "x".repeat(65), ""]) {
      const refused = await control("POST", "/environments", { id });
      expect(refused.status, id).toBe(400);
      expect(controlErrorBody.parse(refused.body).error.message, id).toContain("starting with a letter or digit");
      expect(() => mock.environment({ id }), id).toThrow(/starting with a letter or digit/);
    }
    expect((await control("GET", "/environments")).body).toEqual(before);
    expect(mock.inbox.list({ to: "keep@example.com" })).toHaveLength(1);
    expect((await control("POST", "/environments", { id: "v1.2_ok-id" })).status).toBe(201);
    mock.deleteEnvironment("v1.2_ok-id");
    mock.reset();
  });

  it("refuses settings it does not know, \"__proto__\" included, over HTTP and in-process, creating nothing", async () => {
    const post = (text: string) =>
      fetch(`${mock.url}/_mock/v1/environments`, { method: "POST", headers: { "content-type": "application/json" }, body: text }).then(async (r) => ({
        status: r.status,
        body: (await r.json()) as any,
      }));
    for (const settings of ['{"__proto__": {"otpLength": 4}}', '{"otpLength": 8, "__proto__": {}}', '{"colour": "red"}']) {
      const refused = await post(`{"id": "odd-settings", "settings": ${settings}}`);
      expect(refused.status, settings).toBe(400);
      expect(controlErrorBody.parse(refused.body).error.message, settings).toMatch(/__proto__|colour/);
      expect(() => mock.environment({ id: "odd-settings", settings: JSON.parse(settings) }), settings).toThrow(/__proto__|colour/);
    }
    expect((await control("GET", "/environments/odd-settings")).status).toBe(404);
    await expect(createMockScalekit({ settings: JSON.parse('{"__proto__": {"otpLength": 4}}') })).rejects.toThrow(/__proto__/);
  });

  it("D31: binds tokens to their environment: another environment's auth requests are not found", async () => {
    const a = mock.environment();
    const b = mock.environment();
    const apiA = await restSession({ url: mock.url, clientId: a.clientId, clientSecret: a.clientSecret });
    const apiB = await restSession({ url: mock.url, clientId: b.clientId, clientSecret: b.clientSecret });
    const sent = await apiA.send({ email: "ana@example.com" });
    expect(sent.status).toBe(200);
    const { code } = await a.inbox.waitForOtp("ana@example.com");
    expect((await apiB.verify({ code, auth_request_id: sent.body.auth_request_id })).status).toBe(404);
    expect(b.inbox.list()).toEqual([]);
    expect(mock.inbox.list()).toEqual([]);
    expect((await apiA.verify({ code, auth_request_id: sent.body.auth_request_id })).status).toBe(200);
    mock.deleteEnvironment(b.id);
    expect((await apiB.send({ email: "x@example.com" })).status).toBe(401);
  });

  it("keeps 100 environments apart under 1000 concurrent sends", async () => {
    const envs = Array.from({ length: 100 }, () => mock.environment());
    const sessions = await Promise.all(envs.map((env) => restSession({ url: mock.url, clientId: env.clientId, clientSecret: env.clientSecret })));
    // Every environment sends to the same ten addresses, all at once.
    const sends = sessions.flatMap((session, e) =>
      Array.from({ length: 10 }, (_, i) => session.send({ email: `user${i}@example.com`, state: `env-${e}` }).then((r) => ({ e, r }))),
    );
    const results = await Promise.all(sends);
    expect(results.every(({ r }) => r.status === 200)).toBe(true);
    for (const [e, env] of envs.entries()) {
      const emails = env.inbox.list();
      expect(emails).toHaveLength(10);
      expect(new Set(emails.map((m) => m.to)).size).toBe(10);
      const ids = new Set(results.filter((x) => x.e === e).map((x) => x.r.body.auth_request_id));
      expect(emails.every((m) => ids.has(m.authRequestId))).toBe(true);
      expect(env.requests({ operation: "send" })).toHaveLength(10);
    }
    // The same address in two environments gets different codes and ids.
    expect(envs[0]!.inbox.latest({ to: "user0@example.com" })!.authRequestId).not.toBe(envs[1]!.inbox.latest({ to: "user0@example.com" })!.authRequestId);
    // A clock, a setting and a fault in one environment touch no other.
    envs[0]!.clock.advance("30m");
    envs[0]!.settings.update({ otpLength: 8 });
    envs[0]!.faults.add({ operation: "send", error: "Unavailable" });
    expect((await sessions[1]!.send({ email: "after@example.com" })).status).toBe(200);
    expect(envs[1]!.inbox.latest({ to: "after@example.com" })!.otp).toMatch(/^\d{6}$/);
    expect(Math.abs(envs[1]!.clock.now().getTime() - Date.now())).toBeLessThan(5_000);
    expect((await sessions[0]!.send({ email: "after@example.com" })).status).toBe(503);
    for (const env of envs) mock.deleteEnvironment(env.id);
  }, 30_000);

  it("derives ids and credentials of new environments from the seed", async () => {
    const first = await createMockScalekit({ seed: "env-seed" });
    const second = await createMockScalekit({ seed: "env-seed" });
    const a = first.environment();
    const b = second.environment();
    expect([a.id, a.clientId, a.clientSecret]).toEqual([b.id, b.clientId, b.clientSecret]);
    await Promise.all([first.close(), second.close()]);
  });

  it("counts only environments it made: refused creates leave the ids and credentials of later ones as in a run without them", async () => {
    const [withFailures, without] = await Promise.all([createMockScalekit({ seed: "env-count" }), createMockScalekit({ seed: "env-count" })]);
    const post = (url: string, body: unknown) =>
      fetch(`${url}/_mock/v1/environments`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) }).then(async (r) => ({
        status: r.status,
        body: (await r.json()) as any,
      }));
    const made = async (url: string) => {
      const created = await post(url, {});
      expect(created.status).toBe(201);
      return [created.body.id, created.body.client_id, created.body.client_secret];
    };
    expect((await post(withFailures.url, { id: "taken" })).status).toBe(201);
    expect((await post(without.url, { id: "taken" })).status).toBe(201);
    expect((await post(withFailures.url, { settings: { maxAttempts: 0 } })).status).toBe(400);
    expect((await post(withFailures.url, { id: "taken" })).status).toBe(409);
    expect(() => withFailures.environment({ settings: { otpLength: 3 } })).toThrow(/otpLength/);
    expect(await made(withFailures.url)).toEqual(await made(without.url));
    const [a, b] = [withFailures.environment(), without.environment()];
    expect([a.id, a.clientId, a.clientSecret]).toEqual([b.id, b.clientId, b.clientSecret]);
    await Promise.all([withFailures.close(), without.close()]);
  });
});

describe("the typed client across environments", () => {
  it("creates an environment and drives its faults, journal and snapshot", async () => {
    const { ScalekitMockClient } = await import("../mock-server/src/client/index.js");
    const root = new ScalekitMockClient(mock.url);
    const created = await root.environments.create({ id: "client-env", settings: { otpLength: 8 } });
    const client = root.forEnvironment(created.id);
    expect((await client.settings.get()).otpLength).toBe(8);
    const fault = await client.faults.add({ operation: "send", error: "Unavailable", times: 1 });
    expect(fault).toMatchObject({ id: "f_1", active: true });
    const api = await restSession({ url: mock.url, clientId: created.client_id, clientSecret: created.client_secret! });
    expect((await api.send({ email: "c@example.com" })).status).toBe(503);
    expect((await api.send({ email: "c@example.com" })).status).toBe(200);
    expect((await client.requests.list({ operation: "send" })).map((r) => r.outcome)).toEqual(["ok", "UNAVAILABLE"]);
    expect((await client.inbox.waitForOtp("c@example.com")).code).toMatch(/^\d{8}$/);
    const snapshot = await client.snapshot.export();
    await client.reset();
    expect(await client.inbox.list()).toEqual([]);
    await client.snapshot.import(snapshot);
    expect(await client.inbox.list()).toHaveLength(1);
    expect((await root.environments.list()).map((e) => e.id)).toContain("client-env");
    await root.environments.delete("client-env");
    await expect(client.settings.get()).rejects.toMatchObject({ status: 404 });
  });
});
