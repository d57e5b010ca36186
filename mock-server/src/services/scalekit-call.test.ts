import { describe, expect, it } from "vitest";
import { sendCommand, verifyCommand, type InvalidCommand, type ScalekitCommand } from "../domain/commands.js";
import { ERROR_CODES, ScalekitError } from "../domain/errors.js";
import type { Transport } from "../domain/operations.js";
import { defaultSettings } from "../domain/settings.js";
import { faultRuleInput } from "../schemas/faults.js";
import { EnvironmentStore } from "../state/environments.js";
import { EventBus } from "../state/events.js";
import { PasswordlessService } from "./passwordless.js";
import { ScalekitCalls, type ResultOf } from "./scalekit-call.js";
import { TokenService } from "./tokens.js";

// One key pair for every test: generating it is what takes time.
const tokens = new TokenService(() => "http://unit.test");

/** The pipeline with its real collaborators, in-process: no server, no socket. */
async function pipeline() {
  const environments = new EnvironmentStore({ seed: "pipeline", bus: new EventBus(), clientId: "skc_unit", clientSecret: "unit-secret", settings: defaultSettings() });
  const calls = new ScalekitCalls(environments, new PasswordlessService(), tokens);
  const env = environments.default;
  const bearer = `Bearer ${(await tokens.issue(env)).access_token}`;
  const run = <C extends ScalekitCommand>(command: C | InvalidCommand | (() => never), options: { transport?: Transport; authorization?: string | undefined } = {}) =>
    calls.call({
      transport: options.transport ?? "rest",
      operation: typeof command === "function" || command.kind === "send" ? "send" : command.kind === "resend" ? "resend" : "verify",
      authorization: "authorization" in options ? options.authorization : bearer,
      headers: [["user-agent", "unit"]],
      decode: typeof command === "function" ? command : () => command,
      encode: (result: ResultOf<C>) => result,
    });
  return { environments, env, run };
}

describe("the Scalekit call pipeline", () => {
  it("runs a send and journals it with the HTTP status for REST and without one for gRPC", async () => {
    const { env, run } = await pipeline();
    for (const transport of ["rest", "grpc"] as const) {
      const outcome = await run(sendCommand({ email: `${transport}@example.com` }), { transport });
      expect(outcome.kind).toBe("ok");
    }
    const [grpc, rest] = env.journal.list();
    expect(rest).toMatchObject({ transport: "rest", operation: "send", outcome: "ok", grpcCode: "OK", httpStatus: 200, email: "rest@example.com" });
    expect(grpc).toMatchObject({ transport: "grpc", operation: "send", outcome: "ok", grpcCode: "OK", email: "grpc@example.com" });
    expect(grpc).not.toHaveProperty("httpStatus");
    expect(env.inbox.size).toBe(2);
  });

  it("authenticates before it refuses a command that breaks a message rule", async () => {
    const { run } = await pipeline();
    const both = verifyCommand({ code: "123456", linkToken: "tok", authRequestId: "x" });
    const unauthenticated = await run(both, { authorization: undefined });
    expect(unauthenticated).toMatchObject({ kind: "error", error: { status: "Unauthenticated" } });
    const refused = await run(both);
    expect(refused).toMatchObject({ kind: "error", error: { status: "InvalidArgument", field: "link_token" } });
  });

  it("journals a request that did not decode in the default environment, before authentication", async () => {
    const { env, run } = await pipeline();
    const outcome = await run(() => {
      throw new ScalekitError("InvalidArgument", ERROR_CODES.invalidArgument, "invalid request body: expected a JSON object");
    }, { authorization: undefined });
    expect(outcome).toMatchObject({ kind: "error", error: { status: "InvalidArgument" } });
    expect(env.journal.list()[0]).toMatchObject({ operation: "send", outcome: "INVALID_ARGUMENT", grpcCode: "InvalidArgument", httpStatus: 400 });
  });

  it("applies the environment's fault rules: an error with its retry-after, and a drop", async () => {
    const { env, run } = await pipeline();
    const [limit] = env.faults.addAll([faultRuleInput.parse({ operation: "send", rateLimit: { retryAfter: 7 }, times: 1 })]);
    const limited = await run(sendCommand({ email: "a@example.com" }));
    expect(limited).toMatchObject({ kind: "error", error: { status: "ResourceExhausted", errorCode: "RATE_LIMITED", retryAfter: 7 } });
    expect(env.journal.list()[0]).toMatchObject({ faultId: limit!.id, httpStatus: 429 });

    const [drop] = env.faults.addAll([faultRuleInput.parse({ operation: "send", drop: true, times: 1 })]);
    expect(await run(sendCommand({ email: "a@example.com" }))).toEqual({ kind: "drop", faultId: drop!.id });
    expect(env.journal.list()[0]).toMatchObject({ outcome: "CONNECTION_DROPPED", grpcCode: "Unavailable" });
    expect(env.inbox.size).toBe(0);
  });

  it("names the address a verify by link token is about, for the journal and fault rules", async () => {
    const { env, environments, run } = await pipeline();
    environments.default.updateSettings({ passwordlessType: "LINK" });
    const sent = await run(sendCommand({ email: "link@example.com", magiclinkAuthUri: "https://app.test/cb" }));
    expect(sent.kind).toBe("ok");
    const token = env.inbox.latest({ to: "link@example.com" })!.linkToken!;
    const verified = await run(verifyCommand({ linkToken: token }));
    expect(verified).toMatchObject({ kind: "ok", value: { email: "link@example.com", passwordlessType: "LINK" } });
    expect(env.journal.list()[0]).toMatchObject({ operation: "verify", email: "link@example.com" });
  });

  it("journals an unexpected failure as Internal and passes it on for the transport to log", async () => {
    const { env, run } = await pipeline();
    const bug = new Error("boom");
    await expect(
      run(() => {
        throw bug;
      }),
    ).rejects.toBe(bug);
    expect(env.journal.list()[0]).toMatchObject({ outcome: "INTERNAL", grpcCode: "Internal" });
  });

  it("D28: lets a fault rule answer before a command's field rules are checked", async () => {
    const { env, run } = await pipeline();
    env.faults.addAll([faultRuleInput.parse({ operation: "verify", error: { status: 502 } })]);
    const outcome = await run(verifyCommand({ code: "1", linkToken: "both", authRequestId: "x" }));
    expect(outcome).toMatchObject({ kind: "error", error: { status: "Unavailable", httpStatus: 502 } });
  });

  it("matches email fault rules only against an address the request gave", async () => {
    const { env, run } = await pipeline();
    const [rule] = env.faults.addAll([faultRuleInput.parse({ operation: "*", match: { email: "*" }, error: "Unavailable" })]);
    const outcome = await run(sendCommand({}));
    expect(outcome).toMatchObject({ kind: "error", error: { status: "InvalidArgument" } });
    expect(env.faults.list()[0]).toMatchObject({ id: rule!.id, matches: 0, hits: 0 });
    expect(env.journal.list()[0]).not.toHaveProperty("email");
  });

  it("journals a result that fails to encode as Internal, not as ok", async () => {
    const { env, environments } = await pipeline();
    const calls = new ScalekitCalls(environments, new PasswordlessService(), tokens);
    const bearer = `Bearer ${(await tokens.issue(env)).access_token}`;
    const bug = new Error("encoding failed");
    const encoding = calls.call({
      transport: "grpc",
      operation: "send",
      authorization: bearer,
      headers: [],
      decode: () => sendCommand({ email: "enc@example.com" }),
      encode: () => {
        throw bug;
      },
    });
    await expect(encoding).rejects.toBe(bug);
    expect(env.journal.list()[0]).toMatchObject({ outcome: "INTERNAL", grpcCode: "Internal" });
  });
});
