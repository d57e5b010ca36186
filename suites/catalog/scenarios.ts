import assert from "node:assert/strict";
import { ScalekitClient } from "@scalekit-sdk/node";
import type { Failure, Outcome } from "../support/drivers.js";
import type { Scenario, ScenarioContext } from "./types.js";

/**
 * The scenario catalog: each written once against a driver and an inbox,
 * run on every target and transport. Assertions hold to what Scalekit
 * documents (outcomes, gRPC codes); exact error code strings are compared
 * between targets by the compatibility report instead.
 */

const CALLBACK = "https://app.example.test/passwordless/verify";

function ok<T>(outcome: Outcome<T>, what: string): T {
  if (!outcome.ok) assert.fail(`${what} failed: ${outcome.error.grpcCode} ${outcome.error.errorCode ?? ""} ${outcome.error.message}`);
  return outcome.value;
}

/** gRPC codes: 3 InvalidArgument, 5 NotFound, 7 PermissionDenied, 8 ResourceExhausted, 9 FailedPrecondition, 16 Unauthenticated. */
function fails(outcome: Outcome<unknown>, grpcCodes: number | number[], what: string): Failure {
  assert.equal(outcome.ok, false, `${what} should fail`);
  const { error } = outcome as { ok: false; error: Failure };
  const expected = Array.isArray(grpcCodes) ? grpcCodes : [grpcCodes];
  assert.ok(expected.includes(error.grpcCode), `${what}: expected gRPC code ${expected.join(" or ")}, got ${error.grpcCode} (${error.errorCode}: ${error.message})`);
  return error;
}

function other(code: string): string {
  return code.replace(/\d$/, (d) => String((Number(d) + 1) % 10));
}

async function signIn(ctx: ScenarioContext, how: "code" | "link", withId: boolean) {
  const email = ctx.address();
  const sent = ok(await ctx.driver.send(email, { magiclinkAuthUri: CALLBACK }), "send");
  const mail = await ctx.inbox.waitFor(email);
  const credential = how === "code" ? { code: mail.code! } : { linkToken: mail.linkToken! };
  assert.ok(how === "code" ? mail.code : mail.linkToken, `the email should carry a ${how}`);
  const verified = ok(await ctx.driver.verify(credential, withId ? sent.authRequestId : undefined), "verify");
  assert.equal(verified.email, email);
  return { sent, mail, verified };
}

export const scenarios: Scenario[] = [
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
      const { mail } = await signIn(ctx, "link", true);
      assert.ok(mail.link!.startsWith(`${CALLBACK}?link_token=`));
      assert.equal(mail.code, undefined);
    },
  },
  {
    id: "link-without-id",
    title: "Magic link sign-in without auth_request_id",
    type: "LINK",
    needs: [],
    async run(ctx) {
      await signIn(ctx, "link", false);
    },
  },
  {
    id: "link-otp-code",
    title: "LINK_OTP signed in by code",
    type: "LINK_OTP",
    needs: [],
    async run(ctx) {
      const { mail } = await signIn(ctx, "code", true);
      assert.ok(mail.link, "a LINK_OTP email carries the link too");
    },
  },
  {
    id: "link-otp-link",
    title: "LINK_OTP signed in by link",
    type: "LINK_OTP",
    needs: [],
    async run(ctx) {
      const { mail } = await signIn(ctx, "link", true);
      assert.ok(mail.code, "a LINK_OTP email carries the code too");
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
      assert.deepEqual({ state: verified.state, template: verified.template }, { state: "csrf-8d2f", template: "SIGNUP" });
    },
  },
  {
    id: "template-variables",
    title: "Template variables rendered in the email",
    type: "OTP",
    needs: ["templates"],
    async run(ctx) {
      const email = ctx.address();
      ok(await ctx.driver.send(email, { templateVariables: { app_name: "Acme Rockets", first_name: "Wile" } }), "send");
      const mail = await ctx.inbox.waitFor(email);
      assert.ok(mail.text.includes("Acme Rockets") && mail.text.includes("Wile"), `variables missing from: ${mail.text}`);
    },
  },
  {
    id: "wrong-then-right",
    title: "Wrong code, then the right one",
    type: "OTP",
    needs: [],
    async run(ctx) {
      const email = ctx.address();
      const sent = ok(await ctx.driver.send(email), "send");
      const mail = await ctx.inbox.waitFor(email);
      fails(await ctx.driver.verify({ code: other(mail.code!) }, sent.authRequestId), 3, "a wrong code");
      ok(await ctx.driver.verify({ code: mail.code! }, sent.authRequestId), "the right code");
    },
  },
  {
    id: "attempt-limit",
    title: "Attempt limit locks the request",
    type: "OTP",
    needs: ["settings"],
    async run(ctx) {
      await ctx.control!.settings.update({ maxAttempts: 3 });
      const email = ctx.address();
      const sent = ok(await ctx.driver.send(email), "send");
      const mail = await ctx.inbox.waitFor(email);
      for (let i = 0; i < 3; i++) fails(await ctx.driver.verify({ code: other(mail.code!) }, sent.authRequestId), 3, `wrong code ${i + 1}`);
      fails(await ctx.driver.verify({ code: mail.code! }, sent.authRequestId), 8, "the right code after the limit");
    },
  },
  {
    id: "expiry",
    title: "Expired code fails",
    type: "OTP",
    needs: ["clock"],
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
      ok(await ctx.driver.verify({ code: first.code! }, sent.authRequestId), "verify the first code");
    },
  },
  {
    id: "resend-new",
    title: "Resend with new credentials retires the old code",
    type: "OTP",
    needs: ["settings"],
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
    id: "same-origin",
    title: "Same-origin enforcement needs auth_request_id",
    type: "LINK",
    needs: ["settings"],
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
    id: "invalid-email",
    title: "Invalid input: bad email",
    type: "OTP",
    needs: [],
    async run(ctx) {
      fails(await ctx.driver.send("not-an-email"), 3, "a bad email");
    },
  },
  {
    id: "invalid-template-variables",
    title: "Invalid input: 31 template variables",
    type: "OTP",
    needs: [],
    async run(ctx) {
      const vars = Object.fromEntries(Array.from({ length: 31 }, (_, i) => [`var_${i}`, "x"]));
      fails(await ctx.driver.send(ctx.address(), { templateVariables: vars }), 3, "31 template variables");
    },
  },
  {
    id: "invalid-reserved-variable",
    title: "Invalid input: reserved template variable",
    type: "OTP",
    needs: [],
    async run(ctx) {
      fails(await ctx.driver.send(ctx.address(), { templateVariables: { otp: "123456" } }), 3, "a reserved variable");
    },
  },
  {
    id: "invalid-state",
    title: "Invalid input: state over 1000 characters",
    type: "OTP",
    needs: [],
    async run(ctx) {
      fails(await ctx.driver.send(ctx.address(), { state: "s".repeat(1001) }), 3, "a long state");
    },
  },
  {
    id: "invalid-code-length",
    title: "Invalid input: code over 20 characters",
    type: "OTP",
    needs: [],
    async run(ctx) {
      fails(await ctx.driver.verify({ code: "1".repeat(21) }, "x"), 3, "a long code");
    },
  },
  {
    id: "missing-magic-link-uri",
    title: "Invalid input: LINK without magiclink_auth_uri",
    type: "LINK",
    needs: [],
    async run(ctx) {
      fails(await ctx.driver.send(ctx.address()), 3, "a send without magiclink_auth_uri");
    },
  },
  {
    id: "unknown-auth-request",
    title: "Unknown auth request",
    type: "OTP",
    needs: [],
    async run(ctx) {
      fails(await ctx.driver.resend("h5Y8kT5RVwaea5WEgW4n-6C-aO_-fuTUW7Vb9-Rh3AcY9qxZqQ"), 5, "a resend of an unknown request");
    },
  },
  {
    id: "unauthenticated",
    title: "Wrong client secret is refused",
    type: "OTP",
    needs: [],
    async run(ctx) {
      if (ctx.transport === "rest") {
        const response = await fetch(`${ctx.target.url}/oauth/token`, {
          method: "POST",
          body: new URLSearchParams({ grant_type: "client_credentials", client_id: ctx.target.clientId, client_secret: "wrong-secret-123" }),
        });
        assert.equal(response.status, 401);
        const send = await fetch(`${ctx.target.url}/api/v1/passwordless/email/send`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ email: ctx.address() }),
        });
        assert.equal(send.status, 401);
      } else {
        const client = new ScalekitClient(ctx.target.url, ctx.target.clientId, "wrong-secret-123");
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
