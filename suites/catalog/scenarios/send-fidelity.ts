import assert from "node:assert/strict";
import { CALLBACK, fails, ok, other } from "../scenario-kit.js";
import type { MockError, Scenario, ScenarioContext } from "../types.js";

/** What a send accepts, held to what Scalekit documents (or, where it does not, to the stricter guess). */

/** URIs a magic link cannot be built on: relative, not a URL, or not http(s). */
const NOT_HTTP_URLS = ["/passwordless/verify", "not a url", "javascript:alert(1)", "ftp://x"];
const NOT_A_URL: MockError = {
  errorCode: "INVALID_ARGUMENT",
  message: /^validation error: magiclink_auth_uri: value must be an absolute http or https URL.* \[string\.uri\]$/,
};

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
  {
    id: "magic-link-url",
    title: "Magic link: link_token set in the URI's query, before its fragment, replacing one it had",
    type: "LINK",
    needs: [],
    async run(ctx) {
      const fragment = await linkFor(ctx, `${CALLBACK}#/welcome`);
      assert.equal(fragment.url.hash, "#/welcome", "the fragment stays at the end");
      assert.deepEqual(fragment.url.searchParams.getAll("link_token"), [fragment.linkToken], "link_token in the query, not in the fragment");
      assert.equal(fragment.link, `${CALLBACK}?link_token=${fragment.linkToken}#/welcome`);

      const query = await linkFor(ctx, `${CALLBACK}?next=%2Fhome`);
      assert.equal(query.url.searchParams.get("next"), "/home", "the URI's own parameters stay");
      assert.deepEqual(query.url.searchParams.getAll("link_token"), [query.linkToken]);

      const stale = await linkFor(ctx, `${CALLBACK}?link_token=stale&next=1`);
      assert.deepEqual(stale.url.searchParams.getAll("link_token"), [stale.linkToken], "exactly one link_token, the issued one");
      assert.equal(stale.url.searchParams.get("next"), "1");
      const verified = ok(await ctx.driver.verify({ linkToken: stale.url.searchParams.get("link_token")! }, stale.authRequestId), "verify the link's token");
      assert.equal(verified.passwordlessType, "LINK");
    },
  },
  {
    id: "magic-link-uri-not-http",
    title: "Invalid input: magiclink_auth_uri that is not an absolute http or https URL",
    type: "LINK",
    needs: [],
    mockErrors: Object.fromEntries(NOT_HTTP_URLS.map((_, i) => [`send#${i + 1}`, NOT_A_URL])),
    async run(ctx) {
      for (const uri of NOT_HTTP_URLS) fails(await ctx.driver.send(ctx.address(), { magiclinkAuthUri: uri }), 3, `magiclink_auth_uri ${JSON.stringify(uri)}`);
    },
  },
  {
    id: "alphanumeric-code",
    title: "Alphanumeric codes: sign in with the code as sent; lower-cased or changed, it is wrong",
    type: "OTP",
    needs: ["settings"],
    mockErrors: {
      "verify#1": { errorCode: "OTP_INVALID", message: /4 attempts left/ },
      "verify#2": { errorCode: "OTP_INVALID", message: /3 attempts left/ },
    },
    async run(ctx) {
      await ctx.control!.settings.update({ otpCharset: "ALPHANUMERIC" });
      // A code of six digits only (about 1 in 2000) says nothing about case: send again until one has a letter.
      for (let tries = 1; ; tries++) {
        const email = ctx.address();
        const sent = ok(await ctx.driver.send(email), "send");
        const { code } = await ctx.inbox.waitFor(email);
        assert.match(code!, /^[A-Z0-9]{6}$/, "six upper-case letters and digits");
        if (!/[A-Z]/.test(code!) && tries < 5) continue;
        fails(await ctx.driver.verify({ code: code!.toLowerCase() }, sent.authRequestId), 3, "the code lower-cased");
        fails(await ctx.driver.verify({ code: other(code!) }, sent.authRequestId), 3, "another code of the same shape");
        assert.equal(ok(await ctx.driver.verify({ code: code! }, sent.authRequestId), "the code as sent").passwordlessType, "OTP");
        return;
      }
    },
  },
];

/** Sends with the given magic link URI and reads the link the email carries. */
async function linkFor(ctx: ScenarioContext, magiclinkAuthUri: string) {
  const email = ctx.address();
  const sent = ok(await ctx.driver.send(email, { magiclinkAuthUri }), `send with ${magiclinkAuthUri}`);
  const mail = await ctx.inbox.waitFor(email);
  assert.ok(mail.link !== undefined && mail.linkToken !== undefined, "the email carries a magic link");
  return { link: mail.link, linkToken: mail.linkToken, url: new URL(mail.link), authRequestId: sent.authRequestId };
}
