import { Code, ConnectError, createClient, createRouterTransport } from "@connectrpc/connect";
import { describe, expect, it } from "vitest";
import { ERROR_CODES } from "../domain/errors.js";
import { settingsSchema } from "../domain/settings.js";
import { createMockServices } from "../services/mock-services.js";
import { ErrorInfoSchema } from "./gen/scalekit/v1/errdetails/errdetails_pb.js";
import { PasswordlessService, PasswordlessType, TemplateType } from "./gen/scalekit/v1/auth/passwordless_pb.js";
import { passwordlessRoutes } from "./passwordless-service.js";

/** PasswordlessService over an in-memory Connect transport: the real pipeline, no socket. */
async function setup() {
  const services = createMockServices({
    seed: "grpc-unit",
    clientId: "skc_grpc",
    clientSecret: "grpc-secret",
    settings: settingsSchema.parse({}),
    issuer: () => "http://grpc.test",
    shutdown: new AbortController().signal,
  });
  const env = services.control.default;
  // A token the way the OAuth route gets one: client credentials through the pipeline.
  const { token } = await services.scalekit.track("rest", "token", [], async (call) => {
    call.forClient("skc_grpc");
    return { status: 200, token: (await call.issueToken("grpc-secret"))!.access_token };
  });
  const client = createClient(PasswordlessService, createRouterTransport(passwordlessRoutes(services)));
  const headers = { authorization: `Bearer ${token}` };
  return { client, headers, env };
}

function errorCodeOf(error: unknown): string | undefined {
  return error instanceof ConnectError ? error.findDetails(ErrorInfoSchema)[0]?.errorCode : undefined;
}

describe("PasswordlessService over Connect, in-process", () => {
  it("sends and verifies, answering protobuf messages with enums by number", async () => {
    const { client, headers, env } = await setup();
    const sent = await client.sendPasswordlessEmail({ email: "g@example.com", state: "st", template: TemplateType.SIGNUP }, { headers });
    expect(sent.passwordlessType).toBe(PasswordlessType.OTP);
    expect(sent.expiresIn).toBe(300);
    const code = env.inbox.latest({ to: "g@example.com" })!.otp!;
    const verified = await client.verifyPasswordlessEmail({ authCredential: { case: "code", value: code }, authRequestId: sent.authRequestId }, { headers });
    expect([verified.email, verified.state, verified.template]).toEqual(["g@example.com", "st", TemplateType.SIGNUP]);
    expect(env.requests({ transport: "grpc" }).map((entry) => entry.operation)).toEqual(["verify", "send"]);
  });

  it("refuses a verify with no credential as InvalidArgument with ErrorInfo, after authentication", async () => {
    const { client, headers } = await setup();
    const anonymous = await client.verifyPasswordlessEmail({ authRequestId: "x" }).catch((e: unknown) => e);
    expect((anonymous as ConnectError).code).toBe(Code.Unauthenticated);
    const refused = await client.verifyPasswordlessEmail({ authRequestId: "x" }, { headers }).catch((e: unknown) => e);
    expect((refused as ConnectError).code).toBe(Code.InvalidArgument);
    expect(errorCodeOf(refused)).toBe(ERROR_CODES.invalidArgument);
    expect((refused as ConnectError).rawMessage).toContain("exactly one of code or link_token is required");
  });

  it("reads a template number the enum does not define as a broken rule, as buf.validate would", async () => {
    const { client, headers } = await setup();
    const refused = await client.sendPasswordlessEmail({ email: "g@example.com", template: 7 as TemplateType }, { headers }).catch((e: unknown) => e);
    expect((refused as ConnectError).code).toBe(Code.InvalidArgument);
    expect((refused as ConnectError).rawMessage).toContain("[enum.defined_only]");
  });

  it("answers a rate-limit fault with ResourceExhausted, RATE_LIMITED and retry-after", async () => {
    const { client, headers, env } = await setup();
    env.faults.add({ operation: "send", rateLimit: { retryAfter: 4 }, match: { transport: "grpc" } });
    const limited = await client.sendPasswordlessEmail({ email: "g@example.com" }, { headers }).catch((e: unknown) => e);
    expect((limited as ConnectError).code).toBe(Code.ResourceExhausted);
    expect(errorCodeOf(limited)).toBe("RATE_LIMITED");
    expect((limited as ConnectError).metadata.get("retry-after")).toBe("4");
  });

  it("answers a call over rateLimitPerMinute with ResourceExhausted, RATE_LIMITED and retry-after on the mock clock", async () => {
    const { client, headers, env } = await setup();
    // The token of setup() was issued while the limit was off: it does not count.
    env.updateSettings({ rateLimitPerMinute: 1 });
    env.applyClock({ freeze: true });
    await client.sendPasswordlessEmail({ email: "g@example.com" }, { headers });
    const limited = await client.sendPasswordlessEmail({ email: "g@example.com" }, { headers }).catch((e: unknown) => e);
    expect((limited as ConnectError).code).toBe(Code.ResourceExhausted);
    expect(errorCodeOf(limited)).toBe("RATE_LIMITED");
    expect((limited as ConnectError).rawMessage).toMatch(/^rate limit exceeded: environment "[^"]+" allows 1 request per minute; retry after \d+s \(mock clock\)/);
    expect(Number((limited as ConnectError).metadata.get("retry-after"))).toBeGreaterThanOrEqual(59);
  });
});
