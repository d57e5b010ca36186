import assert from "node:assert/strict";
import { fails, ok, other, rawRest, restFails } from "../scenario-kit.js";
import type { Scenario, ScenarioContext } from "../types.js";

/**
 * Scalekit's per-environment rate limit (Reference › Rate limits): requests
 * per minute, over it HTTP 429 / ResourceExhausted with `RATE_LIMITED`, which
 * the SDK raises as ScalekitTooManyRequestsException and does not retry. On
 * the mock the limit is the `rateLimitPerMinute` setting, counted on the
 * environment's mock clock, frozen here so that waits are exact.
 */

const limitMessage = (limit: number, seconds: number) =>
  new RegExp(`^rate limit exceeded: environment "<environment#1>" allows ${limit} ${limit === 1 ? "request" : "requests"} per minute; retry after ${seconds}s \\(mock clock\\) or raise rateLimitPerMinute$`);

/** Turns the limit on with the clock frozen, once the run's client holds a token (the SDK fetches its own on its first call). */
async function limitTo(ctx: ScenarioContext, rateLimitPerMinute: number): Promise<void> {
  await ctx.control!.clock.freeze();
  await ctx.control!.settings.update({ rateLimitPerMinute });
}

export const rateLimitScenarios: Scenario[] = [
  {
    id: "rate-limit",
    title: "Over the environment's rate limit: 429 / ResourceExhausted RATE_LIMITED until a minute has passed",
    type: "OTP",
    needs: ["settings", "clock"],
    mockErrors: { "send#4": { errorCode: "RATE_LIMITED", message: limitMessage(2, 60) }, "send#5": { errorCode: "RATE_LIMITED", message: limitMessage(2, 30) } },
    async run(ctx) {
      // Before the limit: the client gets its token, and REST a second one for its raw calls.
      ok(await ctx.driver.send(ctx.address()), "a send before the limit");
      const raw = ctx.transport === "rest" ? await rawRest(ctx) : undefined;
      await limitTo(ctx, 2);
      ok(await ctx.driver.send(ctx.address()), "the first send of the minute");
      ok(await ctx.driver.send(ctx.address()), "the second send of the minute");
      const refused = fails(await ctx.driver.send(ctx.address()), 8, "a third send in the same minute");
      assert.equal(refused.errorCode, "RATE_LIMITED");
      if (raw !== undefined) {
        const answer = await raw("send", { email: ctx.address() });
        restFails(answer, 429, 8, "a raw REST send over the limit");
        assert.equal(answer.headers.get("retry-after"), "60", "retry-after: seconds until the window has room, on the mock clock");
        assert.equal(answer.body.details[0].error_code, "RATE_LIMITED");
      }
      // A frozen clock never refills; half a minute halves the wait.
      await ctx.control!.clock.advance("30s");
      fails(await ctx.driver.send(ctx.address()), 8, "a send half a minute later");
      await ctx.control!.clock.advance("30s");
      ok(await ctx.driver.send(ctx.address()), "a send a minute later");
      if (ctx.transport === "sdk") {
        // The SDK surfaced ResourceExhausted at once: each refused send reached the mock once.
        const refusals = (await ctx.control!.requests.list({ operation: "send" })).filter((entry) => entry.outcome === "RATE_LIMITED");
        assert.equal(refusals.length, 2, "no retry of ResourceExhausted");
      }
    },
  },
  {
    id: "rate-limit-verify",
    title: "Rate limit: a refused verify costs no attempt and leaves the code usable",
    type: "OTP",
    needs: ["settings", "clock"],
    mockErrors: { "verify#1": { errorCode: "OTP_INVALID" }, "verify#2": { errorCode: "RATE_LIMITED", message: limitMessage(1, 60) } },
    async run(ctx) {
      const email = ctx.address();
      const sent = ok(await ctx.driver.send(email), "send");
      const mail = await ctx.inbox.waitFor(email);
      await limitTo(ctx, 1);
      fails(await ctx.driver.verify({ code: other(mail.code!) }, sent.authRequestId), 3, "a wrong code");
      fails(await ctx.driver.verify({ code: mail.code! }, sent.authRequestId), 8, "the right code over the limit");
      const attempts = (await ctx.control!.authRequests.get(sent.authRequestId)).attempts;
      assert.equal(attempts, 1, "only the wrong code counted an attempt");
      await ctx.control!.clock.advance("1m");
      assert.equal(ok(await ctx.driver.verify({ code: mail.code! }, sent.authRequestId), "the right code a minute later").email, email);
    },
  },
];
