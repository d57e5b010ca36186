import assert from "node:assert/strict";
import { fails, ok } from "../scenario-kit.js";
import type { Scenario } from "../types.js";

/** What a send accepts, held to what Scalekit documents (or, where it does not, to the stricter guess). */

export const sendFidelityScenarios: Scenario[] = [
  {
    id: "expires-in-range",
    title: "expires_in: 60 to 3600 s accepted, 59 and 3601 refused",
    type: "OTP",
    needs: [],
    mockErrors: {
      "send#1": { errorCode: "INVALID_ARGUMENT", message: /^validation error: expires_in: .*\[uint32\.gte_lte\]$/ },
      "send#4": { errorCode: "INVALID_ARGUMENT", message: /^validation error: expires_in: .*\[uint32\.gte_lte\]$/ },
    },
    async run(ctx) {
      fails(await ctx.driver.send(ctx.address(), { expiresIn: 59 }), 3, "expires_in 59, below Scalekit's 60");
      assert.equal(ok(await ctx.driver.send(ctx.address(), { expiresIn: 60 }), "expires_in 60").expiresIn, 60);
      assert.equal(ok(await ctx.driver.send(ctx.address(), { expiresIn: 3600 }), "expires_in 3600").expiresIn, 3600);
      fails(await ctx.driver.send(ctx.address(), { expiresIn: 3601 }), 3, "expires_in 3601, above Scalekit's 3600");
    },
  },
];
