import { createClient, type Interceptor } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import {
  ScalekitBadRequestException,
  ScalekitClient,
  ScalekitForbiddenException,
  ScalekitNotFoundException,
  ScalekitServerException,
  ScalekitTooManyRequestsException,
} from "@scalekit-sdk/node";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ScalekitMockClient } from "../mock-server/src/client/index.js";
import { PasswordlessService } from "../mock-server/src/grpc/gen/scalekit/v1/auth/passwordless_pb.js";
import { createMockScalekit, type MockScalekit } from "../mock-server/src/index.js";

/** The official SDK, unchanged, against the mock on a real port. */

let mock: MockScalekit;
let scalekit: ScalekitClient;
let control: ScalekitMockClient;

beforeAll(async () => {
  mock = await createMockScalekit({ seed: "sdk" });
  scalekit = new ScalekitClient(mock.url, mock.clientId, mock.clientSecret);
  control = new ScalekitMockClient(mock.url);
});
afterAll(() => mock.close());
beforeEach(() => mock.reset());

async function rejection(promise: Promise<unknown>): Promise<ScalekitServerException> {
  const error = await promise.then(
    () => {
      throw new Error("expected the call to fail");
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ScalekitServerException);
  return error as ScalekitServerException;
}

describe("@scalekit-sdk/node against the mock", () => {
  it("sends, verifies and resends, with expiresAt as a bigint", async () => {
    mock.clock.freeze();
    mock.clock.set("2026-11-28T12:00:00Z");
    const sent = await scalekit.passwordless.sendPasswordlessEmail("ana@example.com", { state: "st", template: "SIGNUP" as never });
    expect(sent.expiresAt).toBe(BigInt(Date.parse("2026-11-28T12:05:00Z") / 1000));
    expect(sent.expiresIn).toBe(300);
    const resent = await scalekit.passwordless.resendPasswordlessEmail(sent.authRequestId);
    expect(resent.authRequestId).toBe(sent.authRequestId);
    const { code } = await mock.inbox.waitForOtp("ana@example.com");
    const verified = await scalekit.passwordless.verifyPasswordlessEmail({ code }, sent.authRequestId);
    expect({ email: verified.email, state: verified.state, template: verified.template }).toEqual({ email: "ana@example.com", state: "st", template: 2 });
  });

  it("raises the SDK's exception class for each error, with the error code", async () => {
    const invalid = await rejection(scalekit.passwordless.sendPasswordlessEmail("nope"));
    expect(invalid).toBeInstanceOf(ScalekitBadRequestException);
    expect(invalid.errorCode).toBe("INVALID_ARGUMENT");
    expect(invalid.message).toContain("email: value must be a valid email address [string.email]");

    const missing = await rejection(scalekit.passwordless.resendPasswordlessEmail("missing"));
    expect(missing).toBeInstanceOf(ScalekitNotFoundException);
    expect(missing.errorCode).toBe("AUTH_REQUEST_NOT_FOUND");

    mock.settings.update({ passwordlessType: "LINK", enforceSameOrigin: true });
    await scalekit.passwordless.sendPasswordlessEmail("so@example.com", { magiclinkAuthUri: "https://app.test/cb" });
    const { linkToken } = await mock.inbox.waitForLink("so@example.com");
    const forbidden = await rejection(scalekit.passwordless.verifyPasswordlessEmail({ linkToken }));
    expect(forbidden).toBeInstanceOf(ScalekitForbiddenException);
    expect(forbidden.errorCode).toBe("SAME_ORIGIN_REQUIRED");
  });

  it("surfaces ResourceExhausted at once, without retrying", async () => {
    mock.settings.update({ maxAttempts: 1 });
    const sent = await scalekit.passwordless.sendPasswordlessEmail("lock@example.com");
    await rejection(scalekit.passwordless.verifyPasswordlessEmail({ code: "bad" }, sent.authRequestId));
    const code = mock.inbox.latest({ to: "lock@example.com" })!.otp!;
    const started = performance.now();
    const locked = await rejection(scalekit.passwordless.verifyPasswordlessEmail({ code }, sent.authRequestId));
    expect(locked).toBeInstanceOf(ScalekitTooManyRequestsException);
    expect(locked.errorCode).toBe("TOO_MANY_ATTEMPTS");
    expect(performance.now() - started).toBeLessThan(400);
  });

  it("re-authenticates when its token expires on the mock clock", async () => {
    const client = new ScalekitClient(mock.url, mock.clientId, mock.clientSecret);
    await client.passwordless.sendPasswordlessEmail("t1@example.com");
    expect((await control.stats()).tokens_issued).toBe(1);
    await client.passwordless.sendPasswordlessEmail("t2@example.com");
    expect((await control.stats()).tokens_issued).toBe(1);
    mock.clock.advance("1h1s");
    const sent = await client.passwordless.sendPasswordlessEmail("t3@example.com");
    expect(sent.authRequestId).toHaveLength(50);
    expect((await control.stats()).tokens_issued).toBe(2);
  });

  it("fails with Unauthenticated for wrong client credentials", async () => {
    const client = new ScalekitClient(mock.url, mock.clientId, "wrong-secret");
    await expect(client.passwordless.sendPasswordlessEmail("x@example.com")).rejects.toThrow();
    expect(mock.inbox.list()).toEqual([]);
  });
});

describe("gRPC authentication", () => {
  const call = (authorization?: string) => {
    const header: Interceptor = (next) => (request) => {
      if (authorization) request.header.set("authorization", authorization);
      return next(request);
    };
    const transport = createGrpcTransport({ baseUrl: mock.url, interceptors: [header] });
    return createClient(PasswordlessService, transport).sendPasswordlessEmail({ email: "g@example.com" });
  };

  it.each([
    ["no token", undefined],
    ["a malformed token", "Bearer abc"],
    ["another scheme", "Basic abc"],
  ])("answers Unauthenticated with %s", async (_name, authorization) => {
    await expect(call(authorization)).rejects.toMatchObject({ code: 16 });
    expect(mock.inbox.list()).toEqual([]);
  });

  it("answers Unauthenticated for an expired token", async () => {
    const form = new URLSearchParams({ grant_type: "client_credentials", client_id: mock.clientId, client_secret: mock.clientSecret });
    const { access_token } = await fetch(`${mock.url}/oauth/token`, { method: "POST", body: form }).then((r) => r.json());
    await expect(call(`Bearer ${access_token}`)).resolves.toMatchObject({ expiresIn: 300 });
    mock.clock.advance("2h");
    await expect(call(`Bearer ${access_token}`)).rejects.toMatchObject({ code: 16, rawMessage: expect.stringContaining("expired") });
  });
});
