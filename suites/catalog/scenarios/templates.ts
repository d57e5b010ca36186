import assert from "node:assert/strict";
import { fails, ok } from "../scenario-kit.js";
import type { Scenario } from "../types.js";

/** An environment's own email templates (Scalekit: Guides › Custom email templates). */

const BUILT_INS = "{{app_name}}|{{app_logo_url}}|{{app_support_email}}|{{app_organization_meta_name}}|{{organization_name}}|{{user_name}}|{{user_email}}";

export const templateScenarios: Scenario[] = [
  {
    id: "template-built-in-variables",
    title: "Custom template: built-in variables in subject, HTML and text",
    type: "OTP",
    needs: ["templates", "settings"],
    async run(ctx) {
      await ctx.control!.settings.update({
        appName: "Acme",
        appLogoUrl: "https://acme.test/logo.png",
        appSupportEmail: "help@acme.test",
        appOrganizationMetaName: "Acme Inc",
        organizationName: "Acme Org",
        userName: "Ana",
      });
      await ctx.control!.templates.put("SIGNUP", {
        subject: `${BUILT_INS} {{otp}}`,
        html: `<p>${BUILT_INS}</p><p>{{otp}} {{expiry_time_relative}}</p>`,
        text: `${BUILT_INS}\n{{otp}} {{expiry_time_relative}}`,
      });
      const email = ctx.address();
      ok(await ctx.driver.send(email, { template: "SIGNUP", expiresIn: 600 }), "send");
      const mail = await ctx.inbox.waitFor(email);
      const values = `Acme|https://acme.test/logo.png|help@acme.test|Acme Inc|Acme Org|Ana|${email}`;
      assert.equal(mail.subject, `${values} ${mail.code}`);
      assert.equal(mail.html, `<p>${values}</p><p>${mail.code} 10 minutes</p>`);
      assert.equal(mail.text, `${values}\n${mail.code} 10 minutes`);
    },
  },
  {
    id: "template-variable-missing",
    title: "Custom template: a variable the send does not supply is refused",
    type: "OTP",
    needs: ["templates"],
    mockErrors: { "send#1": { errorCode: "TEMPLATE_VARIABLE_MISSING", message: /"first_name".*template_variables/ } },
    async run(ctx) {
      await ctx.control!.templates.put("SIGNIN", { subject: "Hi {{ first_name }}", text: "{{ first_name }}, your code is {{ otp }}" });
      const email = ctx.address();
      fails(await ctx.driver.send(email), 3, "a send without first_name");
      ok(await ctx.driver.send(email, { templateVariables: { first_name: "Wile" } }), "a send with first_name");
      const mail = await ctx.inbox.waitFor(email);
      assert.equal(mail.subject, "Hi Wile");
      assert.equal(mail.text, `Wile, your code is ${mail.code}`);
    },
  },
  {
    id: "template-html-escaping",
    title: "Custom template: variable values HTML-escaped in HTML, as sent in text",
    type: "OTP",
    needs: ["templates"],
    async run(ctx) {
      await ctx.control!.templates.put("SIGNIN", { subject: "{{company}}", html: "<p>{{company}}</p>", text: "{{company}}" });
      const email = ctx.address();
      ok(await ctx.driver.send(email, { templateVariables: { company: `<b>"Tom" & Jerry</b>` } }), "send");
      const mail = await ctx.inbox.waitFor(email);
      assert.equal(mail.html, "<p>&#60;b&#62;&#34;Tom&#34; &#38; Jerry&#60;/b&#62;</p>");
      assert.equal(mail.text, `<b>"Tom" & Jerry</b>`);
      assert.equal(mail.subject, `<b>"Tom" & Jerry</b>`);
    },
  },
  {
    id: "template-one-body",
    title: "Custom template: a text-only or HTML-only email has that body alone",
    type: "LINK",
    needs: ["templates"],
    async run(ctx) {
      await ctx.control!.templates.put("SIGNIN", { subject: "Sign in", text: "Open {{link}}{{#otp}} or use {{otp}}{{/otp}}" });
      await ctx.control!.templates.put("SIGNUP", { subject: "Sign up", html: '<a href="{{link}}">Finish</a>' });
      const callback = "https://app.example.test/passwordless/verify";
      const first = ctx.address("text");
      ok(await ctx.driver.send(first, { magiclinkAuthUri: callback }), "send SIGNIN");
      const text = await ctx.inbox.waitFor(first);
      assert.equal(text.text, `Open ${text.link}`, "otp is empty in a LINK email, so its section is left out");
      assert.equal(text.html, undefined);
      const second = ctx.address("html");
      ok(await ctx.driver.send(second, { magiclinkAuthUri: callback, template: "SIGNUP" }), "send SIGNUP");
      const html = await ctx.inbox.waitFor(second);
      assert.equal(html.html, `<a href="${html.link}">Finish</a>`);
      assert.equal(html.text, undefined);
    },
  },
];
