import { describe, expect, it } from "vitest";
import { resendCommand, sendCommand, verifyCommand, type InvalidCommand, type ScalekitCommand } from "../domain/commands.js";
import { defaultSettings } from "../domain/settings.js";
import { faultRuleInput } from "../schemas/faults.js";
import { EnvironmentStore } from "../state/environments.js";
import { EventBus, type MockEvent } from "../state/events.js";
import { PasswordlessService } from "./passwordless.js";
import { ScalekitCalls, type ResultOf } from "./scalekit-call.js";
import { TokenService } from "./tokens.js";

const tokens = new TokenService(() => "http://unit.test");

/** The call pipeline over one environment with a frozen clock and the given limit; every event it publishes. */
async function limited(rateLimitPerMinute: number | null) {
  const bus = new EventBus();
  const events: MockEvent[] = [];
  bus.subscribe((event) => events.push(event));
  const environments = new EnvironmentStore({ seed: "rate", bus, clientId: "skc_rate", clientSecret: "rate-secret", settings: defaultSettings() });
  const calls = new ScalekitCalls(environments, new PasswordlessService(), tokens);
  const env = environments.default;
  env.updateSettings({ rateLimitPerMinute });
  env.clock.apply({ set: Date.UTC(2026, 10, 28, 10), freeze: true });
  const bearer = `Bearer ${(await tokens.issue(env)).access_token}`;
  const run = <C extends ScalekitCommand>(command: C | InvalidCommand, options: { authorization?: string } = { authorization: bearer }) =>
    calls.call({
      transport: "grpc",
      operation: command.kind === "send" ? "send" : command.kind === "resend" ? "resend" : "verify",
      authorization: options.authorization,
      headers: [],
      decode: () => command,
      encode: (result: ResultOf<C>) => result,
    });
  return { env, run, events };
}

const send = (n: number) => sendCommand({ email: `user${n}@example.com` });

describe("rateLimitPerMinute", () => {
  it("D51: admits the limit per minute of the environment's mock clock, then answers ResourceExhausted RATE_LIMITED with retry-after until the clock moves on", async () => {
    const { env, run } = await limited(3);
    for (let n = 0; n < 3; n++) expect((await run(send(n))).kind).toBe("ok");
    const refused = await run(send(3));
    expect(refused).toMatchObject({ kind: "error", error: { status: "ResourceExhausted", errorCode: "RATE_LIMITED", retryAfter: 60 } });
    expect(refused.kind === "error" && refused.error.message).toBe(
      `rate limit exceeded: environment "${env.id}" allows 3 requests per minute; retry after 60s (mock clock) or raise rateLimitPerMinute`,
    );
    // A frozen clock never refills on its own.
    expect((await run(send(4))).kind).toBe("error");
    env.clock.advance(45_000);
    expect(await run(send(5))).toMatchObject({ kind: "error", error: { retryAfter: 15 } });
    env.clock.advance(15_000);
    expect((await run(send(6))).kind).toBe("ok");
  });

  it("is off by default: a thousand calls in one frozen instant all go through", async () => {
    expect(defaultSettings().rateLimitPerMinute).toBeNull();
    const { run } = await limited(null);
    for (let n = 0; n < 1000; n++) expect((await run(verifyCommand({ code: "123456", authRequestId: "unknown" }))).kind).toBe("error");
    expect(await run(send(0))).toMatchObject({ kind: "ok" });
  });

  it("D52: refuses a call over the limit before it does anything: no email, no attempt, no fault rule; journaled and announced", async () => {
    const { env, run, events } = await limited(2);
    const sent = await run(send(0));
    if (sent.kind !== "ok") throw new Error("the first send should pass");
    expect((await run(verifyCommand({ code: "000000", authRequestId: sent.value.authRequestId }))).kind).toBe("error");
    const [rule] = env.faults.addAll([faultRuleInput.parse({ operation: "*", error: "Unavailable" })]);
    const attempts = env.authRequest(sent.value.authRequestId)!.attempts;

    for (const command of [send(1), resendCommand({ authRequestId: sent.value.authRequestId }), verifyCommand({ code: "000000", authRequestId: sent.value.authRequestId })]) {
      expect(await run(command)).toMatchObject({ kind: "error", error: { errorCode: "RATE_LIMITED" } });
    }
    expect(env.inbox.size).toBe(1);
    expect(env.authRequest(sent.value.authRequestId)!.attempts).toBe(attempts);
    expect(env.faults.list()[0]).toMatchObject({ id: rule!.id, matches: 0, hits: 0 });
    expect(env.journal.list().slice(0, 3).map((e) => [e.operation, e.outcome, e.grpcCode])).toEqual([
      ["verify", "RATE_LIMITED", "ResourceExhausted"],
      ["resend", "RATE_LIMITED", "ResourceExhausted"],
      ["send", "RATE_LIMITED", "ResourceExhausted"],
    ]);
    expect(events.filter((e) => e.type === "rate.limited").map((e) => e.data)).toEqual([
      { operation: "send", transport: "grpc", limit: 2, retry_after: 60 },
      { operation: "resend", transport: "grpc", limit: 2, retry_after: 60 },
      { operation: "verify", transport: "grpc", limit: 2, retry_after: 60 },
    ]);
  });

  it("D52: does not count calls it cannot tie to the environment (no valid token)", async () => {
    const { run } = await limited(1);
    for (let n = 0; n < 5; n++) expect(await run(send(n), {})).toMatchObject({ kind: "error", error: { status: "Unauthenticated" } });
    expect((await run(send(9))).kind).toBe("ok");
  });

  it("applies a changed limit at once, and turning it off and on starts an empty window", async () => {
    const { env, run } = await limited(1);
    expect((await run(send(0))).kind).toBe("ok");
    expect((await run(send(1))).kind).toBe("error");
    env.updateSettings({ rateLimitPerMinute: 2 });
    expect((await run(send(2))).kind).toBe("ok");
    expect((await run(send(3))).kind).toBe("error");
    env.updateSettings({ rateLimitPerMinute: null });
    env.updateSettings({ rateLimitPerMinute: 1 });
    expect((await run(send(4))).kind).toBe("ok");
    expect((await run(send(5))).kind).toBe("error");
  });

  it("starts an environment that is reset or restored from a snapshot with room", async () => {
    const { env, run } = await limited(1);
    expect((await run(send(0))).kind).toBe("ok");
    const snapshot = env.exportState();
    expect(snapshot.settings.rateLimitPerMinute).toBe(1);
    expect((await run(send(1))).kind).toBe("error");
    env.importState(snapshot, {});
    expect((await run(send(2))).kind).toBe("ok");
  });
});
