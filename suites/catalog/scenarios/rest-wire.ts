import assert from "node:assert/strict";
import { CALLBACK, rawRest, restFails } from "../scenario-kit.js";
import type { Scenario } from "../types.js";

/**
 * What only REST can be asked: protojson's field spellings and types, bodies
 * that are not a message at all, other methods and paths. The SDK cannot
 * send any of these, so they run over REST only.
 */
export const restWireScenarios: Scenario[] = [
  {
    id: "rest-camel-case",
    title: "REST: lowerCamelCase field names, numbers as strings, unknown fields ignored",
    type: "LINK",
    needs: [],
    transports: ["rest"],
    async run(ctx) {
      const call = await rawRest(ctx);
      const email = ctx.address();
      const sent = await call("send", { email, magiclinkAuthUri: CALLBACK, expiresIn: "120", templateVariables: { app_name: "Acme" }, magicLinkUri: "typo" });
      assert.equal(sent.status, 200, JSON.stringify(sent.body));
      assert.equal(sent.body.expires_in, 120);
      const mail = await ctx.inbox.waitFor(email);
      const resent = await call("resend", { authRequestId: sent.body.auth_request_id });
      assert.equal(resent.status, 200, JSON.stringify(resent.body));
      const verified = await call("verify", { linkToken: mail.linkToken, authRequestId: sent.body.auth_request_id });
      assert.equal(verified.status, 200, JSON.stringify(verified.body));
      assert.equal(verified.body.email, email);
    },
  },
  {
    id: "rest-malformed-bodies",
    title: "REST: bodies of the wrong type, shape or encoding are refused",
    type: "OTP",
    needs: [],
    transports: ["rest"],
    async run(ctx) {
      const call = await rawRest(ctx);
      const email = ctx.address();
      restFails(await call("send", "{email:"), 400, 3, "a body that is not JSON");
      restFails(await call("send", [1, 2]), 400, 3, "a JSON array");
      restFails(await call("send", `email=${email}`, { "content-type": "application/x-www-form-urlencoded" }), 400, 3, "a form body");
      restFails(await call("send", { email: 42 }), 400, 3, "a number for a string field");
      restFails(await call("send", { email, template: "LOGIN" }), 400, 3, "an enum name that does not exist");
      restFails(await call("send", { email, expires_in: -5 }), 400, 3, "a negative uint32");
      restFails(await call("send", { email, template_variables: { key: 1 } }), 400, 3, "a map value that is not a string");
      // The SDK checks the email itself before sending; over REST the server must say it is missing.
      assert.match(restFails(await call("send", {}), 400, 3, "a send without email").message, /email: value is required/);
      restFails(await call("resend", {}), 400, 3, "a resend without auth_request_id");
      const noCredential = restFails(await call("verify", { auth_request_id: "x" }), 400, 3, "a verify without code or link_token");
      assert.match(noCredential.message, /auth_credential/);
      const both = restFails(await call("verify", { code: "1", link_token: "t", auth_request_id: "x" }), 400, 3, "a verify with code and link_token");
      assert.match(both.message, /oneof/);
    },
  },
  {
    id: "rest-method-and-path",
    title: "REST: another method or path answers in the gateway error shape",
    type: "OTP",
    needs: [],
    transports: ["rest"],
    async run(ctx) {
      await ctx.pace("other");
      const get = await fetch(`${ctx.target.url}/api/v1/passwordless/email/send`);
      assert.equal(get.status, 405);
      assert.equal(((await get.json()) as { code: number }).code, 12);
      await ctx.pace("other");
      const missing = await fetch(`${ctx.target.url}/api/v1/passwordless/sms/send`, { method: "POST" });
      assert.equal(missing.status, 404);
      assert.equal(((await missing.json()) as { code: number }).code, 5);
    },
  },
];
