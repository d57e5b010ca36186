import assert from "node:assert/strict";
import { ERROR_PHRASES, type ErrorPhrase } from "../../../mock-server/src/domain/error-phrases.js";
import { CALLBACK, fails, ok, other } from "../scenario-kit.js";
import type { MockError, Scenario } from "../types.js";

/**
 * The phrases apps written against Scalekit match in error messages
 * (docs/deviations.md, D48). Each failing step's message must start with its
 * phrase on the mock (`mockErrors`, read from the mock's own phrase table).
 * The scenario bodies assert, on every target, only the two phrases
 * Scalekit's demo apps are known to rely on, the way those apps test them.
 */

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** The mock's message for the step starts with the phrase (case-insensitively, as apps match). */
function phrase(errorCode: string, which: ErrorPhrase): MockError {
  return { errorCode, message: new RegExp(`^${escape(ERROR_PHRASES[which])}`, "i") };
}

const UNKNOWN_ID = "h5Y8kT5RVwaea5WEgW4n-6C-aO_-fuTUW7Vb9-Rh3AcY9qxZqQ";
const UNKNOWN_TOKEN = "00000000-0000-4000-8000-000000000000_l";

export const errorWordingScenarios: Scenario[] = [
  {
    id: "wording-magiclink-auth-uri-required",
    title: "Wording: a send without magiclink_auth_uri says magiclink_auth_uri is required",
    type: "LINK",
    needs: [],
    mockErrors: { "send#1": phrase("MAGICLINK_AUTH_URI_REQUIRED", "magiclinkAuthUriRequired") },
    async run(ctx) {
      const email = ctx.address();
      const refused = fails(await ctx.driver.send(email), 3, "a send without magiclink_auth_uri");
      // As Scalekit's Express demo app does: retry the send with a link URI when the message says so.
      assert.match(refused.message, /magiclink_auth_uri is required/i);
      ok(await ctx.driver.send(email, { magiclinkAuthUri: CALLBACK }), "the send retried with magiclink_auth_uri");
    },
  },
  {
    id: "wording-auth-request-expired",
    title: "Wording: a code or link verified after expiry says auth request expired",
    type: "LINK_OTP",
    needs: ["clock"],
    mockErrors: {
      "verify#1": phrase("AUTH_REQUEST_EXPIRED", "authRequestExpired"),
      "verify#2": phrase("AUTH_REQUEST_EXPIRED", "authRequestExpired"),
      "verify#3": phrase("AUTH_REQUEST_EXPIRED", "authRequestExpired"),
    },
    async run(ctx) {
      const email = ctx.address();
      const sent = ok(await ctx.driver.send(email, { expiresIn: 60, magiclinkAuthUri: CALLBACK }), "send");
      const mail = await ctx.inbox.waitFor(email);
      await ctx.control!.clock.advance("61s");
      const byCode = fails(await ctx.driver.verify({ code: mail.code! }, sent.authRequestId), 9, "an expired code");
      const byLink = fails(await ctx.driver.verify({ linkToken: mail.linkToken! }, sent.authRequestId), 9, "an expired link");
      // Scalekit's demo apps test /auth request expired/i, and then retry a link verify without auth_request_id.
      const retried = fails(await ctx.driver.verify({ linkToken: mail.linkToken! }), 9, "the expired link retried without auth_request_id");
      for (const error of [byCode, byLink, retried]) assert.match(error.message, /auth request expired/i);
    },
  },
  {
    id: "wording-auth-request-id-required",
    title: "Wording: a magic link verified without auth_request_id under same-origin enforcement says auth_request_id is required",
    type: "LINK",
    needs: ["settings"],
    mockErrors: { "verify#1": phrase("SAME_ORIGIN_REQUIRED", "authRequestIdRequired") },
    async run(ctx) {
      await ctx.control!.settings.update({ enforceSameOrigin: true });
      const email = ctx.address();
      ok(await ctx.driver.send(email, { magiclinkAuthUri: CALLBACK }), "send");
      const mail = await ctx.inbox.waitFor(email);
      fails(await ctx.driver.verify({ linkToken: mail.linkToken! }), [3, 7], "a link without auth_request_id");
    },
  },
  {
    id: "wording-verification-failed",
    title: "Wording: a wrong code, a wrong link and a used one say verification failed",
    type: "LINK_OTP",
    needs: [],
    mockErrors: {
      "verify#1": phrase("OTP_INVALID", "verificationFailed"),
      "verify#2": phrase("LINK_TOKEN_INVALID", "verificationFailed"),
      "verify#3": phrase("LINK_TOKEN_INVALID", "verificationFailed"),
      "verify#5": phrase("AUTH_REQUEST_ALREADY_VERIFIED", "verificationFailed"),
    },
    async run(ctx) {
      const email = ctx.address();
      const sent = ok(await ctx.driver.send(email, { magiclinkAuthUri: CALLBACK }), "send");
      const mail = await ctx.inbox.waitFor(email);
      fails(await ctx.driver.verify({ code: other(mail.code!) }, sent.authRequestId), 3, "a wrong code");
      fails(await ctx.driver.verify({ linkToken: UNKNOWN_TOKEN }, sent.authRequestId), 3, "a wrong link token with the auth_request_id");
      fails(await ctx.driver.verify({ linkToken: UNKNOWN_TOKEN }), 3, "a link token never issued");
      ok(await ctx.driver.verify({ code: mail.code! }, sent.authRequestId), "the right code");
      fails(await ctx.driver.verify({ linkToken: mail.linkToken! }, sent.authRequestId), [3, 9], "the link of a verified request");
    },
  },
  {
    id: "wording-replaced-link",
    title: "Wording: a magic link replaced by a resend says verification failed",
    type: "LINK",
    needs: ["settings"],
    mockErrors: { "verify#1": phrase("LINK_TOKEN_INVALID", "verificationFailed") },
    async run(ctx) {
      await ctx.control!.settings.update({ newCredentialsOnResend: true });
      const email = ctx.address();
      const sent = ok(await ctx.driver.send(email, { magiclinkAuthUri: CALLBACK }), "send");
      const first = await ctx.inbox.waitFor(email);
      ok(await ctx.driver.resend(sent.authRequestId), "resend with new credentials");
      await ctx.inbox.waitFor(email, { after: first.cursor });
      fails(await ctx.driver.verify({ linkToken: first.linkToken! }, sent.authRequestId), 3, "the replaced link");
    },
  },
  {
    id: "wording-too-many",
    title: "Wording: a locked request and a resend past the limit say too many",
    type: "OTP",
    needs: ["settings"],
    mockErrors: {
      "resend#2": phrase("RESEND_LIMIT_EXCEEDED", "tooManyResends"),
      "verify#1": phrase("OTP_INVALID", "verificationFailed"),
      "verify#2": phrase("TOO_MANY_ATTEMPTS", "tooManyAttempts"),
    },
    async run(ctx) {
      await ctx.control!.settings.update({ maxAttempts: 1, maxResends: 1 });
      const email = ctx.address();
      const sent = ok(await ctx.driver.send(email), "send");
      ok(await ctx.driver.resend(sent.authRequestId), "the one resend allowed");
      fails(await ctx.driver.resend(sent.authRequestId), 8, "a resend past the limit");
      const mail = await ctx.inbox.waitFor(email);
      fails(await ctx.driver.verify({ code: other(mail.code!) }, sent.authRequestId), 3, "the wrong code that locks the request");
      fails(await ctx.driver.verify({ code: mail.code! }, sent.authRequestId), 8, "the right code of a locked request");
    },
  },
  {
    id: "wording-not-found",
    title: "Wording: an unknown auth request says auth request not found",
    type: "OTP",
    needs: [],
    mockErrors: {
      "verify#1": phrase("AUTH_REQUEST_NOT_FOUND", "authRequestNotFound"),
      "verify#2": phrase("AUTH_REQUEST_NOT_FOUND", "authRequestNotFound"),
      "resend#1": phrase("AUTH_REQUEST_NOT_FOUND", "authRequestNotFound"),
    },
    async run(ctx) {
      fails(await ctx.driver.verify({ code: "123456" }, UNKNOWN_ID), 5, "a code for an unknown request");
      fails(await ctx.driver.verify({ linkToken: UNKNOWN_TOKEN }, UNKNOWN_ID), 5, "a link token for an unknown request");
      fails(await ctx.driver.resend(UNKNOWN_ID), 5, "a resend of an unknown request");
    },
  },
  {
    id: "wording-rate-limited",
    title: "Wording: a rate-limited call says rate limit exceeded",
    type: "OTP",
    needs: ["faults"],
    mockErrors: { "send#1": phrase("RATE_LIMITED", "rateLimitExceeded") },
    async run(ctx) {
      await ctx.control!.faults.add({ operation: "send", rateLimit: { retryAfter: 1 }, times: 1 });
      fails(await ctx.driver.send(ctx.address()), 8, "a rate-limited send");
    },
  },
];
