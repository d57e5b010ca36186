import assert from "node:assert/strict";
import { ScalekitClient } from "@scalekit-sdk/node";
import { post } from "../../support/rest.js";
import { ok, restFails } from "../scenario-kit.js";
import type { Scenario } from "../types.js";

/** Client credentials and access tokens, and the SDK's own retries. */
export const accessScenarios: Scenario[] = [
  {
    id: "unauthenticated",
    title: "Wrong client secret or no valid token is refused",
    type: "OTP",
    needs: [],
    async run(ctx) {
      if (ctx.transport === "rest") {
        await ctx.pace("other");
        const response = await fetch(`${ctx.target.url}/oauth/token`, {
          method: "POST",
          body: new URLSearchParams({ grant_type: "client_credentials", client_id: ctx.target.clientId, client_secret: "wrong-secret-123" }),
        });
        assert.equal(response.status, 401);
        const send = async (headers: Record<string, string>) => {
          await ctx.pace("other");
          return post(ctx.target.url, "/api/v1/passwordless/email/send", { email: ctx.address() }, headers);
        };
        restFails(await send({}), 401, 16, "a send without a token");
        restFails(await send({ authorization: "Bearer not-a-jwt" }), 401, 16, "a send with a malformed token");
        restFails(await send({ authorization: "Basic abc" }), 401, 16, "a send with another scheme");
      } else {
        const client = new ScalekitClient(ctx.target.url, ctx.target.clientId, "wrong-secret-123");
        await ctx.pace("other");
        await assert.rejects(client.passwordless.sendPasswordlessEmail(ctx.address()));
      }
    },
  },
  {
    id: "token-expiry",
    title: "Expired token: the client re-authenticates",
    type: "OTP",
    needs: ["clock"],
    async run(ctx) {
      ok(await ctx.driver.send(ctx.address()), "send before expiry");
      await ctx.control!.clock.advance("2h");
      // The SDK refreshes its token by itself; the REST driver refreshes on 401 like a careful app.
      ok(await ctx.driver.send(ctx.address()), "send after the token expired");
      const tokens = (await ctx.control!.stats()).tokens_issued;
      assert.equal(tokens, 2, "a second token was issued");
    },
  },
  {
    id: "fault-retry",
    title: "Unavailable twice: the SDK retries to success",
    type: "OTP",
    needs: ["faults"],
    transports: ["sdk"],
    async run(ctx) {
      await ctx.control!.faults.add({ operation: "send", error: "Unavailable", times: 2 });
      ok(await ctx.driver.send(ctx.address()), "send through two Unavailable");
      // The SDK's very first call has no token yet; its Unauthenticated attempt is not part of the retry.
      const attempts = (await ctx.control!.requests.list({ operation: "send" })).filter((a) => a.outcome !== "UNAUTHENTICATED");
      assert.deepEqual(
        attempts.map((a) => a.outcome),
        ["ok", "UNAVAILABLE", "UNAVAILABLE"],
      );
    },
  },
];
