import { createClient, type Interceptor } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { ScalekitClient } from "@scalekit-sdk/node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { PasswordlessService } from "../mock-server/src/grpc/gen/scalekit/v1/auth/passwordless_pb.js";
import { createMockScalekit, type MockEnvironment, type MockScalekit } from "../mock-server/src/index.js";
import { fetchToken, post } from "./support/rest.js";

/** An access token belongs to one environment object: not to its id, not to its client id. */

let mock: MockScalekit;

beforeAll(async () => {
  mock = await createMockScalekit({ seed: "token-binding" });
});
afterAll(() => mock.close());

/** Environments a test made; deleted after it, whatever its outcome. */
const made = new Set<string>();
afterEach(() => {
  for (const id of made) mock.deleteEnvironment(id);
  made.clear();
});

function environment(id: string, clientId = `skc_${id}`): MockEnvironment {
  const env = mock.environment({ id, clientId, clientSecret: "a-secret-used-twice" });
  made.add(id);
  return env;
}

function deleteEnvironment(id: string): void {
  mock.deleteEnvironment(id);
  made.delete(id);
}

const sendRest = (token: string, email: string) => post(mock.url, "/api/v1/passwordless/email/send", { email }, { authorization: `Bearer ${token}` });

function grpcClient(token: string) {
  const bearer: Interceptor = (next) => (request) => {
    request.header.set("authorization", `Bearer ${token}`);
    return next(request);
  };
  return createClient(PasswordlessService, createGrpcTransport({ baseUrl: mock.url, interceptors: [bearer] }));
}

/** Creates `first`, fetches a token for it, deletes it, then creates `second` with the same credentials. */
async function recreate(first: string, second: string): Promise<{ oldToken: string; reborn: MockEnvironment }> {
  const original = environment(first);
  const oldToken = await fetchToken(mock.url, original.clientId, original.clientSecret);
  expect((await sendRest(oldToken, "before@example.com")).status).toBe(200);
  deleteEnvironment(original.id);
  return { oldToken, reborn: environment(second, original.clientId) };
}

describe("tokens of a deleted environment", () => {
  it.each([
    ["the same id and client id", "reborn-rest", "reborn-rest"],
    ["another id but the same client id", "gone-rest", "successor-rest"],
  ])("D20: are refused over REST by an environment created again with %s, and nothing reaches its inbox", async (_name, first, second) => {
    const { oldToken, reborn } = await recreate(first, second);
    const refused = await sendRest(oldToken, "stale@example.com");
    expect(refused.status).toBe(401);
    expect(refused.body).toMatchObject({ code: 16, details: [{ error_code: "UNAUTHENTICATED" }] });
    expect(refused.body.message).toContain("no longer exists");
    expect(reborn.inbox.list()).toEqual([]);
    expect(reborn.requests({ operation: "send" }).map((entry) => entry.outcome)).not.toContain("ok");
    const fresh = await fetchToken(mock.url, reborn.clientId, reborn.clientSecret);
    expect((await sendRest(fresh, "fresh@example.com")).status).toBe(200);
    expect(reborn.inbox.list().map((email) => email.to)).toEqual(["fresh@example.com"]);
  });

  it.each([
    ["the same id and client id", "reborn-grpc", "reborn-grpc"],
    ["another id but the same client id", "gone-grpc", "successor-grpc"],
  ])("are refused over gRPC with Unauthenticated by an environment created again with %s", async (_name, first, second) => {
    const { oldToken, reborn } = await recreate(first, second);
    await expect(grpcClient(oldToken).sendPasswordlessEmail({ email: "stale@example.com" })).rejects.toMatchObject({
      code: 16,
      rawMessage: expect.stringContaining("no longer exists"),
    });
    expect(reborn.inbox.list()).toEqual([]);
    const fresh = await fetchToken(mock.url, reborn.clientId, reborn.clientSecret);
    await expect(grpcClient(fresh).sendPasswordlessEmail({ email: "fresh@example.com" })).resolves.toMatchObject({ expiresIn: 300 });
    expect(reborn.inbox.list().map((email) => email.to)).toEqual(["fresh@example.com"]);
  });

  it.each([
    ["the same id", "reborn-sdk", "reborn-sdk"],
    ["another id", "gone-sdk", "successor-sdk"],
  ])("make the official SDK fetch a new token when the environment is created again with %s, and the mail lands there", async (_name, first, second) => {
    const original = environment(first);
    const scalekit = new ScalekitClient(mock.url, original.clientId, original.clientSecret);
    await scalekit.passwordless.sendPasswordlessEmail("first@example.com");
    expect(original.tokensIssued()).toBe(1);
    deleteEnvironment(original.id);
    const reborn = environment(second, original.clientId);
    const sent = await scalekit.passwordless.sendPasswordlessEmail("second@example.com");
    expect(reborn.requests().map((entry) => [entry.operation, entry.outcome])).toEqual([
      ["send", "ok"],
      ["token", "ok"],
    ]);
    expect(reborn.tokensIssued()).toBe(1);
    expect(reborn.inbox.list().map((email) => [email.to, email.authRequestId])).toEqual([["second@example.com", sent.authRequestId]]);
  });

  it("keep working after the environment is only reset", async () => {
    const env = environment("reset-only");
    const token = await fetchToken(mock.url, env.clientId, env.clientSecret);
    expect((await sendRest(token, "a@example.com")).status).toBe(200);
    env.reset();
    expect((await sendRest(token, "b@example.com")).status).toBe(200);
    await expect(grpcClient(token).sendPasswordlessEmail({ email: "c@example.com" })).resolves.toMatchObject({ expiresIn: 300 });
    expect(env.inbox.list().map((email) => email.to)).toEqual(["c@example.com", "b@example.com"]);
  });
});

describe("tokens issued after the mock clock's now (the clock moved back)", () => {
  it("D21: are refused over REST whether or not they were used before", async () => {
    const env = environment("clock-back-rest");
    const used = await fetchToken(mock.url, env.clientId, env.clientSecret);
    expect((await sendRest(used, "before@example.com")).status).toBe(200);
    const unused = await fetchToken(mock.url, env.clientId, env.clientSecret);
    env.clock.advance("-1h");
    for (const token of [used, unused]) {
      const refused = await sendRest(token, "after@example.com");
      expect(refused.status).toBe(401);
      expect(refused.body).toMatchObject({ code: 16, details: [{ error_code: "TOKEN_NOT_YET_VALID" }] });
      expect(refused.body.message).toContain("not valid yet");
    }
    env.clock.reset();
    for (const token of [used, unused]) expect((await sendRest(token, "later@example.com")).status).toBe(200);
  });

  it("are refused over gRPC with Unauthenticated whether or not they were used before", async () => {
    const env = environment("clock-back-grpc");
    const used = await fetchToken(mock.url, env.clientId, env.clientSecret);
    await grpcClient(used).sendPasswordlessEmail({ email: "before@example.com" });
    const unused = await fetchToken(mock.url, env.clientId, env.clientSecret);
    env.clock.advance("-1h");
    for (const token of [used, unused]) {
      await expect(grpcClient(token).sendPasswordlessEmail({ email: "after@example.com" })).rejects.toMatchObject({
        code: 16,
        rawMessage: expect.stringContaining("not valid yet"),
      });
    }
    expect(env.inbox.list().map((email) => email.to)).toEqual(["before@example.com"]);
  });

  it("make the official SDK fetch a new one, valid on the moved clock", async () => {
    const env = environment("clock-back-sdk");
    const scalekit = new ScalekitClient(mock.url, env.clientId, env.clientSecret);
    await scalekit.passwordless.sendPasswordlessEmail("before@example.com");
    env.clock.advance("-1h");
    await scalekit.passwordless.sendPasswordlessEmail("after@example.com");
    expect(env.tokensIssued()).toBe(2);
    expect(env.inbox.list().map((email) => email.to)).toEqual(["after@example.com", "before@example.com"]);
  });
});
