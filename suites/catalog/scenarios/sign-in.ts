import assert from "node:assert/strict";
import { CALLBACK, ok, signIn } from "../scenario-kit.js";
import type { Scenario } from "../types.js";

/** Sign-ins that succeed: each passwordless type, and what send and verify answer. */
export const signInScenarios: Scenario[] = [
  {
    id: "otp-sign-in",
    title: "OTP sign-in",
    type: "OTP",
    needs: [],
    async run(ctx) {
      const { sent, mail, verified } = await signIn(ctx, "code", true);
      assert.match(mail.code!, /^\d{6}$/);
      assert.equal(sent.passwordlessType, "OTP");
      assert.equal(sent.expiresIn, 300);
      assert.equal(verified.passwordlessType, "OTP");
    },
  },
  {
    id: "link-with-id",
    title: "Magic link sign-in with auth_request_id",
    type: "LINK",
    needs: [],
    async run(ctx) {
      const { mail, verified } = await signIn(ctx, "link", true);
      assert.ok(mail.link!.startsWith(`${CALLBACK}?link_token=`));
      assert.equal(new URL(mail.link!).searchParams.get("link_token"), mail.linkToken);
      assert.match(mail.linkToken!, /^[0-9a-f-]{36}_l$/);
      assert.equal(mail.code, undefined);
      assert.equal(verified.passwordlessType, "LINK");
    },
  },
  {
    id: "link-without-id",
    title: "Magic link sign-in without auth_request_id",
    type: "LINK",
    needs: [],
    async run(ctx) {
      const { verified } = await signIn(ctx, "link", false);
      assert.deepEqual(verified, { email: verified.email, template: "SIGNIN", passwordlessType: "LINK" }, "no state was sent, the template is the default");
    },
  },
  {
    id: "link-otp-code",
    title: "LINK_OTP signed in by code",
    type: "LINK_OTP",
    needs: [],
    async run(ctx) {
      const { sent, mail, verified } = await signIn(ctx, "code", true);
      assert.match(mail.code!, /^\d{6}$/);
      assert.ok(mail.link?.includes("link_token="), "a LINK_OTP email carries the link too");
      assert.equal(sent.passwordlessType, "LINK_OTP", "send answers the environment's type");
      assert.equal(verified.passwordlessType, "OTP", "verify answers the method the user completed: the code");
    },
  },
  {
    id: "link-otp-link",
    title: "LINK_OTP signed in by link",
    type: "LINK_OTP",
    needs: [],
    async run(ctx) {
      const { sent, mail, verified } = await signIn(ctx, "link", true);
      assert.ok(mail.code, "a LINK_OTP email carries the code too");
      assert.equal(sent.passwordlessType, "LINK_OTP", "send answers the environment's type");
      assert.equal(verified.passwordlessType, "LINK", "verify answers the method the user completed: the magic link");
    },
  },
  {
    id: "state-template-echo",
    title: "State and template echoed by verify",
    type: "OTP",
    needs: [],
    async run(ctx) {
      const email = ctx.address();
      const sent = ok(await ctx.driver.send(email, { state: "csrf-8d2f", template: "SIGNUP" }), "send");
      const mail = await ctx.inbox.waitFor(email);
      const verified = ok(await ctx.driver.verify({ code: mail.code! }, sent.authRequestId), "verify");
      assert.deepEqual(verified, { email, state: "csrf-8d2f", template: "SIGNUP", passwordlessType: "OTP" });
    },
  },
  {
    id: "template-variables",
    title: "Template variables rendered in the email",
    type: "OTP",
    needs: ["templates"],
    async run(ctx) {
      await ctx.control!.templates.put("SIGNIN", { subject: "Your code for {{app_name}}", text: "Hi {{first_name}}, your code is {{otp}}." });
      const email = ctx.address();
      ok(await ctx.driver.send(email, { templateVariables: { app_name: "Acme Rockets", first_name: "Wile" } }), "send");
      const mail = await ctx.inbox.waitFor(email);
      assert.equal(mail.subject, "Your code for Acme Rockets");
      assert.equal(mail.text, `Hi Wile, your code is ${mail.code}.`);
    },
  },
  {
    id: "expiry-times",
    title: "expires_at is the send (or resend) time plus expires_in",
    type: "OTP",
    needs: ["clock"],
    async run(ctx) {
      const now = Math.floor((await ctx.control!.clock.freeze()).epoch_ms / 1000);
      const short = ok(await ctx.driver.send(ctx.address(), { expiresIn: 120 }), "send with expires_in 120");
      assert.deepEqual([short.expiresIn, short.expiresAt], [120, now + 120]);
      const sent = ok(await ctx.driver.send(ctx.address()), "send with the default lifetime");
      assert.deepEqual([sent.expiresIn, sent.expiresAt], [300, now + 300]);
      await ctx.control!.clock.advance("1m");
      const resent = ok(await ctx.driver.resend(sent.authRequestId), "resend a minute later");
      assert.equal(resent.authRequestId, sent.authRequestId);
      assert.equal(resent.expiresAt, now + 60 + 300, "a resend renews the lifetime");
    },
  },
];
