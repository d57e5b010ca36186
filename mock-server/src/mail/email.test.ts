import { describe, expect, it } from "vitest";
import { openAuthRequest } from "../domain/auth-request.js";
import { ScalekitError } from "../domain/errors.js";
import { defaultSettings } from "../domain/settings.js";
import { validateSend } from "../domain/validation.js";
import { SeededRandom } from "../domain/seeded-random.js";
import type { Settings } from "../domain/settings.js";
import { assertTemplateVariables, composeEmail, type EmailSource } from "./email.js";
import { toEml } from "./mime.js";
import { compileEmailTemplate, loadTemplates, type EmailTemplate, type TemplateSource } from "./templates.js";

const templates = loadTemplates();
const T0 = Date.UTC(2026, 10, 28, 10, 0, 0);
/** The packaged template of the request's type, with the given settings (an empty app name by default, for the "your account" wording). */
const packaged = (r: { template: "SIGNIN" | "SIGNUP" }, settings: Partial<Settings> = { appName: "" }): EmailSource => ({
  template: templates.templates[r.template],
  from: templates.from,
  settings: { ...defaultSettings(), ...settings },
});
const custom = (source: TemplateSource, settings: Partial<Settings> = {}): EmailSource => ({
  template: compileEmailTemplate(source),
  from: templates.from,
  settings: { ...defaultSettings(), ...settings },
});

function request(passwordlessType: "OTP" | "LINK" | "LINK_OTP", send: Record<string, unknown> = {}) {
  const settings = { ...defaultSettings(), passwordlessType };
  const valid = validateSend({ email: "ana@example.com", templateVariables: {}, magiclinkAuthUri: "https://app.test/cb", ...send }, settings);
  return openAuthRequest({ environmentId: "e", settings, random: new SeededRandom("s"), now: T0 }, valid, 1);
}

describe("composing an email", () => {
  it("D25: puts the OTP in subject, HTML and text, with the expiry", () => {
    const r = request("OTP");
    const email = composeEmail(packaged(r), r, { id: "m1", kind: "send", now: T0 });
    const code = r.credentials.code!;
    expect(email).toMatchObject({ to: "ana@example.com", otp: code, template: "SIGNIN", date: T0, authRequestId: r.id });
    expect(email.link).toBeUndefined();
    expect(email.subject).toBe(`${code} is your sign-in code for your account`);
    expect(email.html).toContain(`>${code}</p>`);
    expect(email.text).toContain(`Enter this code to sign in: ${code}`);
    expect(email.text).toContain("expires in 5 minutes (2026-11-28 10:05 UTC)");
  });

  it("puts the magic link in a LINK email and no code", () => {
    const r = request("LINK", { template: "SIGNUP" });
    const email = composeEmail(packaged(r), r, { id: "m2", kind: "send", now: T0 });
    expect(email.otp).toBeUndefined();
    expect(email.link).toBe(`https://app.test/cb?link_token=${r.credentials.linkToken}`);
    expect(email.linkToken).toBe(r.credentials.linkToken);
    expect(email.subject).toBe("Finish signing up to your account");
    expect(email.html).toContain(`href="${email.link}"`);
  });

  it("substitutes template variables, escaped in HTML", () => {
    const r = request("LINK_OTP", { templateVariables: { app_name: "Acme & Co", user_name: "<Ana>" } });
    const email = composeEmail(packaged(r), r, { id: "m3", kind: "send", now: T0 });
    expect(email.subject).toContain("for Acme & Co");
    expect(email.html).toContain("Sign in to Acme &#38; Co");
    expect(email.html).toContain("Hi &#60;Ana&#62;,");
    expect(email.text).toContain("Hi <Ana>,");
  });

  it("D24: requires every variable a template uses that the mock does not fill in", () => {
    const template = compileEmailTemplate({ subject: "Hi {{ company }}", text: "{{app_name}} {{otp}} {{#team}}x{{/team}}" });
    expect(() => assertTemplateVariables(template, "SIGNIN", { company: "Acme", team: "" })).not.toThrow();
    try {
      assertTemplateVariables(template, "SIGNIN", {});
      throw new Error("expected a failure");
    } catch (error) {
      expect(error).toBeInstanceOf(ScalekitError);
      expect((error as ScalekitError).errorCode).toBe("TEMPLATE_VARIABLE_MISSING");
      expect((error as ScalekitError).status).toBe("InvalidArgument");
      expect((error as ScalekitError).message).toContain('"company", "team"');
    }
  });

  it("the shipped templates need no caller variables", () => {
    for (const template of Object.values(templates.templates)) expect(() => assertTemplateVariables(template, "SIGNIN", {})).not.toThrow();
  });

  it("the shipped templates read the app name and user name from settings", () => {
    const r = request("OTP");
    const email = composeEmail(packaged(r, { appName: "Acme", userName: "Ana" }), r, { id: "m5", kind: "send", now: T0 });
    expect(email.subject).toBe(`${r.credentials.code} is your sign-in code for Acme`);
    expect(email.text).toContain("Hi Ana,");
    expect(composeEmail(packaged(r, {}), r, { id: "m6", kind: "send", now: T0 }).subject).toContain("for Scalekit Mock");
  });

  it("the shipped text reads as before: blank lines between greeting, credentials and expiry", () => {
    const r = request("LINK_OTP");
    const email = composeEmail(packaged(r), r, { id: "m7", kind: "send", now: T0 });
    expect(email.text).toBe(
      [
        "Sign in to your account",
        "",
        "Hi there,",
        "",
        `Enter this code to sign in: ${r.credentials.code}`,
        "",
        `Open this link to sign in: ${email.link}`,
        "",
        "This code expires in 5 minutes (2026-11-28 10:05 UTC).",
        "",
        "If you did not ask to sign in, you can ignore this email.",
        "",
      ].join("\n"),
    );
  });
});

describe("a custom template", () => {
  const ALL = "{{app_name}}|{{app_logo_url}}|{{app_support_email}}|{{app_organization_meta_name}}|{{organization_name}}|{{user_name}}|{{user_email}}";
  const settings = {
    appName: "Acme",
    appLogoUrl: "https://acme.test/logo.png",
    appSupportEmail: "help@acme.test",
    appOrganizationMetaName: "Acme Inc",
    organizationName: "Acme Org",
    userName: "Ana",
  };

  it("renders every built-in variable from the settings and the recipient", () => {
    const r = request("OTP");
    const email = composeEmail(custom({ subject: ALL, html: `<p>${ALL}</p>`, text: ALL }, settings), r, { id: "c1", kind: "send", now: T0 });
    const expected = "Acme|https://acme.test/logo.png|help@acme.test|Acme Inc|Acme Org|Ana|ana@example.com";
    expect([email.subject, email.html, email.text]).toEqual([expected, `<p>${expected}</p>`, expected]);
  });

  it("D54: lets a request's variable override a built-in one, and renders a contextual one the type does not send as empty", () => {
    const r = request("LINK", { templateVariables: { app_name: "Override" } });
    const email = composeEmail(custom({ subject: "{{app_name}}", text: "[{{otp}}]{{#otp}}code{{/otp}}{{^otp}}no code{{/otp}} {{#link}}link{{/link}}" }, settings), r, { id: "c2", kind: "send", now: T0 });
    expect(email.subject).toBe("Override");
    expect(email.text).toBe("[]no code link");
  });

  it("escapes values in HTML only, and keeps {{{raw}}} unescaped", () => {
    const r = request("OTP", { templateVariables: { first_name: `<b>"Ana" & Co</b>` } });
    const email = composeEmail(custom({ subject: "{{ first_name }}", html: "<p>{{ first_name }}</p>{{{first_name}}}", text: "{{ first_name }}" }), r, { id: "c3", kind: "send", now: T0 });
    expect(email.html).toBe(`<p>&#60;b&#62;&#34;Ana&#34; &#38; Co&#60;/b&#62;</p><b>"Ana" & Co</b>`);
    expect(email.text).toBe(`<b>"Ana" & Co</b>`);
    expect(email.subject).toBe(`<b>"Ana" & Co</b>`);
  });

  it("has only the bodies its template has", () => {
    const r = request("OTP");
    const textOnly = composeEmail(custom({ subject: "s", text: "t {{otp}}" }), r, { id: "c4", kind: "send", now: T0 });
    expect([textOnly.html, textOnly.text]).toEqual([undefined, `t ${r.credentials.code}`]);
    expect(JSON.parse(JSON.stringify(textOnly))).not.toHaveProperty("html");
    const htmlOnly = composeEmail(custom({ subject: "s", html: "<p>h</p>" }), r, { id: "c5", kind: "send", now: T0 });
    expect([htmlOnly.html, htmlOnly.text]).toEqual(["<p>h</p>", undefined]);
  });
});

describe("the .eml form", () => {
  it("is a multipart/alternative message with the mock-clock date", () => {
    const r = request("OTP", { templateVariables: { app_name: "Café" } });
    const email = Object.assign(composeEmail(packaged(r), r, { id: "m4", kind: "send" as const, now: T0 }), { seq: 1 });
    const eml = toEml(email);
    expect(eml).toContain("Date: Sat, 28 Nov 2026 10:00:00 +0000\r\n");
    expect(eml).toContain("To: ana@example.com\r\n");
    expect(eml).toContain(`Subject: =?UTF-8?B?${Buffer.from(email.subject).toString("base64")}?=`);
    expect(eml).toContain('Content-Type: multipart/alternative; boundary="=_scalekit-mock_m4"');
    expect(eml).toContain("Caf=C3=A9");
    expect(eml.split("\r\n").every((line) => line.length <= 998)).toBe(true);
    expect(eml.trimEnd().endsWith("--=_scalekit-mock_m4--")).toBe(true);
  });
});

describe("the .eml form of a template with one body", () => {
  const eml = (source: TemplateSource) => {
    const r = request("OTP");
    return toEml(Object.assign(composeEmail(custom(source), r, { id: "m8", kind: "send" as const, now: T0 }), { seq: 1 }));
  };

  it("is a single text/plain part for a text-only template", () => {
    const message = eml({ subject: "s", text: "plain body" });
    expect(message).toContain("Content-Type: text/plain; charset=utf-8\r\n");
    expect(message).not.toContain("multipart");
    expect(message).not.toContain("text/html");
    expect(message.endsWith("plain body\r\n")).toBe(true);
  });

  it("is a single text/html part for an HTML-only template", () => {
    const message = eml({ subject: "s", html: "<p>html body</p>" });
    expect(message).toContain("Content-Type: text/html; charset=utf-8\r\n");
    expect(message).not.toContain("multipart");
    expect(message).not.toContain("text/plain");
  });
});

describe("template variables named like Object.prototype members", () => {
  const template: EmailTemplate = compileEmailTemplate({
    subject: "{{constructor}}",
    html: "<p>{{__proto__}} {{toString}} {{hasOwnProperty}} {{hasOwnProperty}}</p>",
    text: "{{__proto__}} {{toString}}{{^valueOf}} no valueOf{{/valueOf}}",
  });
  const supplied = JSON.parse('{"__proto__": "p", "constructor": "c", "toString": "t", "hasOwnProperty": "h"}') as Record<string, string>;

  it("are required when a template uses them, not taken from Object.prototype", () => {
    const error = (() => {
      try {
        assertTemplateVariables(template, "SIGNIN", {});
      } catch (e) {
        return e as ScalekitError;
      }
      return undefined;
    })();
    expect(error?.message).toContain('"__proto__", "constructor", "hasOwnProperty", "toString", "valueOf"');
  });

  it("pass validation and render their own values", () => {
    const r = request("OTP", { templateVariables: { ...supplied, valueOf: "" } });
    assertTemplateVariables(template, "SIGNIN", r.templateVariables);
    const email = composeEmail({ template, from: "Mock <m@example.com>", settings: defaultSettings() }, r, { id: "m9", kind: "send", now: T0 });
    expect([email.subject, email.html, email.text]).toEqual(["c", "<p>p t h h</p>", "p t no valueOf"]);
  });
});
