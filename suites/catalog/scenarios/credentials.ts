import assert from "node:assert/strict";
import { CALLBACK, fails, ok, other } from "../scenario-kit.js";
import type { Scenario } from "../types.js";

/** What happens to a code or link after it is sent: wrong, used, expired, resent, refused. */
export const credentialScenarios: Scenario[] = [
  {
    id: "wrong-then-right",
    title: "Wrong code, then the right one",
    type: "OTP",
    needs: [],
    mockErrors: {
      "verify#1": { errorCode: "OTP_INVALID", message: /4 attempts left/ },
      "verify#2": { errorCode: "OTP_INVALID", message: /3 attempts left/ },
    },
    async run(ctx) {
      const email = ctx.address();
      const sent = ok(await ctx.driver.send(email), "send");
      const mail = await ctx.inbox.waitFor(email);
      fails(await ctx.driver.verify({ code: "000000x" }, sent.authRequestId), 3, "a malformed code");
      fails(await ctx.driver.verify({ code: other(mail.code!) }, sent.authRequestId), 3, "a wrong code");
      ok(await ctx.driver.verify({ code: mail.code! }, sent.authRequestId), "the right code");
    },
  },
  {
    id: "attempt-limit",
    title: "Attempt limit locks the request",
    type: "OTP",
    needs: ["settings"],
    mockErrors: {
      "verify#1": { errorCode: "OTP_INVALID" },
      "verify#2": { errorCode: "OTP_INVALID" },
      "verify#3": { errorCode: "OTP_INVALID" },
      "verify#4": { errorCode: "TOO_MANY_ATTEMPTS" },
    },
    async run(ctx) {
      await ctx.control!.settings.update({ maxAttempts: 3 });
      const email = ctx.address();
      const sent = ok(await ctx.driver.send(email), "send");
      const mail = await ctx.inbox.waitFor(email);
      for (let i = 0; i < 3; i++) fails(await ctx.driver.verify({ code: other(mail.code!) }, sent.authRequestId), 3, `wrong code ${i + 1}`);
      fails(await ctx.driver.verify({ code: mail.code! }, sent.authRequestId), 8, "the right code after the limit");
      const view = await ctx.control!.authRequests.get(sent.authRequestId);
      assert.deepEqual([view.status, view.attempts, view.max_attempts], ["locked", 3, 3]);
    },
  },
  {
    id: "expiry",
    title: "Expired code fails",
    type: "OTP",
    needs: ["clock"],
    mockErrors: { "verify#1": { errorCode: "AUTH_REQUEST_EXPIRED", message: /expired \d+s ago/ } },
    async run(ctx) {
      const email = ctx.address();
      const sent = ok(await ctx.driver.send(email, { expiresIn: 60 }), "send");
      const mail = await ctx.inbox.waitFor(email);
      await ctx.control!.clock.advance("61s");
      fails(await ctx.driver.verify({ code: mail.code! }, sent.authRequestId), 9, "an expired code");
    },
  },
  {
    id: "single-use",
    title: "A code works once",
    type: "OTP",
    needs: [],
    mockErrors: { "verify#2": { errorCode: "AUTH_REQUEST_ALREADY_VERIFIED" } },
    async run(ctx) {
      const email = ctx.address();
      const sent = ok(await ctx.driver.send(email), "send");
      const mail = await ctx.inbox.waitFor(email);
      ok(await ctx.driver.verify({ code: mail.code! }, sent.authRequestId), "first verify");
      fails(await ctx.driver.verify({ code: mail.code! }, sent.authRequestId), [3, 9], "second verify");
    },
  },
  {
    id: "resend-same",
    title: "Resend sends the same code",
    type: "OTP",
    needs: ["settings"],
    async run(ctx) {
      await ctx.control!.settings.update({ newCredentialsOnResend: false });
      const email = ctx.address();
      const sent = ok(await ctx.driver.send(email), "send");
      const first = await ctx.inbox.waitFor(email);
      const resent = ok(await ctx.driver.resend(sent.authRequestId), "resend");
      assert.equal(resent.authRequestId, sent.authRequestId);
      const second = await ctx.inbox.waitFor(email, { after: first.cursor });
      assert.equal(second.code, first.code);
      assert.equal((await ctx.control!.inbox.latest({ to: email })).kind, "resend", "the mock files the second email as a resend");
      ok(await ctx.driver.verify({ code: first.code! }, sent.authRequestId), "verify the first code");
    },
  },
  {
    id: "resend-new",
    title: "Resend with new credentials retires the old code",
    type: "OTP",
    needs: ["settings"],
    mockErrors: { "verify#1": { errorCode: "OTP_INVALID" } },
    async run(ctx) {
      await ctx.control!.settings.update({ newCredentialsOnResend: true });
      const email = ctx.address();
      const sent = ok(await ctx.driver.send(email), "send");
      const first = await ctx.inbox.waitFor(email);
      ok(await ctx.driver.resend(sent.authRequestId), "resend");
      const second = await ctx.inbox.waitFor(email, { after: first.cursor });
      assert.notEqual(second.code, first.code);
      fails(await ctx.driver.verify({ code: first.code! }, sent.authRequestId), 3, "the old code");
      ok(await ctx.driver.verify({ code: second.code! }, sent.authRequestId), "the new code");
    },
  },
  {
    id: "resend-after-expiry",
    title: "Resend after expiry sends a new code; the expired one never works again",
    type: "OTP",
    needs: ["clock", "settings"],
    mockErrors: { "verify#1": { errorCode: "OTP_INVALID" } },
    async run(ctx) {
      await ctx.control!.settings.update({ newCredentialsOnResend: false });
      const email = ctx.address();
      const sent = ok(await ctx.driver.send(email, { expiresIn: 60 }), "send");
      const first = await ctx.inbox.waitFor(email);
      await ctx.control!.clock.advance("61s");
      ok(await ctx.driver.resend(sent.authRequestId), "resend after expiry");
      const second = await ctx.inbox.waitFor(email, { after: first.cursor });
      assert.notEqual(second.code, first.code, "a resend after expiry carries a new code, even without new credentials on resend");
      fails(await ctx.driver.verify({ code: first.code! }, sent.authRequestId), 3, "the expired code");
      ok(await ctx.driver.verify({ code: second.code! }, sent.authRequestId), "the new code");
    },
  },
  {
    id: "same-origin",
    title: "Same-origin enforcement needs auth_request_id",
    type: "LINK",
    needs: ["settings"],
    mockErrors: { "verify#1": { errorCode: "SAME_ORIGIN_REQUIRED" } },
    async run(ctx) {
      await ctx.control!.settings.update({ enforceSameOrigin: true });
      const email = ctx.address();
      const sent = ok(await ctx.driver.send(email, { magiclinkAuthUri: CALLBACK }), "send");
      const mail = await ctx.inbox.waitFor(email);
      fails(await ctx.driver.verify({ linkToken: mail.linkToken! }), [3, 7], "a link without auth_request_id");
      ok(await ctx.driver.verify({ linkToken: mail.linkToken! }, sent.authRequestId), "the link with auth_request_id");
    },
  },
  {
    id: "unknown-auth-request",
    title: "Unknown auth request",
    type: "OTP",
    needs: [],
    mockErrors: { "resend#1": { errorCode: "AUTH_REQUEST_NOT_FOUND" }, "verify#1": { errorCode: "AUTH_REQUEST_NOT_FOUND" } },
    async run(ctx) {
      const unknown = "h5Y8kT5RVwaea5WEgW4n-6C-aO_-fuTUW7Vb9-Rh3AcY9qxZqQ";
      fails(await ctx.driver.resend(unknown), 5, "a resend of an unknown request");
      fails(await ctx.driver.verify({ code: "123456" }, unknown), 5, "a verify of an unknown request");
    },
  },
  {
    id: "link-token-of-another-request",
    title: "A magic link token given with another auth request's id is a wrong attempt on that request",
    type: "LINK",
    needs: [],
    mockErrors: {
      "verify#1": { errorCode: "LINK_TOKEN_INVALID", message: /4 attempts left/ },
      "verify#2": { errorCode: "LINK_TOKEN_INVALID", message: /3 attempts left/ },
    },
    async run(ctx) {
      const [owner, named] = [ctx.address("owner"), ctx.address("named")];
      const ownerSent = ok(await ctx.driver.send(owner, { magiclinkAuthUri: CALLBACK }), "send to the token's owner");
      const namedSent = ok(await ctx.driver.send(named, { magiclinkAuthUri: CALLBACK }), "send to the named request");
      const [ownerMail, namedMail] = [await ctx.inbox.waitFor(owner), await ctx.inbox.waitFor(named)];
      const others = fails(await ctx.driver.verify({ linkToken: ownerMail.linkToken! }, namedSent.authRequestId), 3, "another request's token");
      const unknown = fails(await ctx.driver.verify({ linkToken: "00000000-0000-4000-8000-000000000000_l" }, namedSent.authRequestId), 3, "a token never issued");
      assert.equal(others.errorCode, unknown.errorCode, "another request's token is answered as an unknown one");
      ok(await ctx.driver.verify({ linkToken: ownerMail.linkToken! }, ownerSent.authRequestId), "the token with its own request");
      ok(await ctx.driver.verify({ linkToken: namedMail.linkToken! }, namedSent.authRequestId), "the named request's own token");
    },
  },
  {
    id: "unknown-link-token",
    title: "Unknown magic link token",
    type: "LINK",
    needs: [],
    mockErrors: { "verify#1": { errorCode: "LINK_TOKEN_INVALID" } },
    async run(ctx) {
      fails(await ctx.driver.verify({ linkToken: "00000000-0000-4000-8000-000000000000_l" }), 3, "a link token never issued");
    },
  },
];
