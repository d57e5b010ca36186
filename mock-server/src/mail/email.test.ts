import { describe, expect, it } from "vitest";
import { openAuthRequest } from "../domain/auth-request.js";
import { ScalekitError } from "../domain/errors.js";
import { defaultSettings } from "../domain/settings.js";
import { validateSend } from "../domain/validation.js";
import { SeededRandom } from "../domain/seeded-random.js";
import { assertTemplateVariables, composeEmail } from "./email.js";
import { toEml } from "./mime.js";
import { loadTemplates, type TemplateSet } from "./templates.js";

const templates = loadTemplates();
const T0 = Date.UTC(2026, 10, 28, 10, 0, 0);

function request(passwordlessType: "OTP" | "LINK" | "LINK_OTP", send: Record<string, unknown> = {}) {
  const settings = { ...defaultSettings(), passwordlessType };
  const valid = validateSend({ email: "ana@example.com", templateVariables: {}, magiclinkAuthUri: "https://app.test/cb", ...send }, settings);
  return openAuthRequest({ environmentId: "e", settings, random: new SeededRandom("s"), now: T0 }, valid, 1);
}

describe("composing an email", () => {
  it("D25: puts the OTP in subject, HTML and text, with the expiry", () => {
    const r = request("OTP");
    const email = composeEmail(templates, r, { id: "m1", kind: "send", now: T0 });
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
    const email = composeEmail(templates, r, { id: "m2", kind: "send", now: T0 });
    expect(email.otp).toBeUndefined();
    expect(email.link).toBe(`https://app.test/cb?link_token=${r.credentials.linkToken}`);
    expect(email.linkToken).toBe(r.credentials.linkToken);
    expect(email.subject).toBe("Finish signing up to your account");
    expect(email.html).toContain(`href="${email.link}"`);
  });

  it("substitutes template variables, escaped in HTML", () => {
    const r = request("LINK_OTP", { templateVariables: { app_name: "Acme & Co", first_name: "<Ana>" } });
    const email = composeEmail(templates, r, { id: "m3", kind: "send", now: T0 });
    expect(email.subject).toContain("for Acme & Co");
    expect(email.html).toContain("Sign in to Acme &#38; Co");
    expect(email.html).toContain("Hi &#60;Ana&#62;,");
    expect(email.text).toContain("Hi <Ana>,");
  });

  it("D24: requires every variable a template uses without fallback", () => {
    const custom: TemplateSet = {
      from: templates.from,
      templates: { ...templates.templates, SIGNIN: { ...templates.templates.SIGNIN, required: ["company"] } },
    };
    expect(() => assertTemplateVariables(custom, "SIGNIN", { company: "Acme" })).not.toThrow();
    try {
      assertTemplateVariables(custom, "SIGNIN", {});
      throw new Error("expected a failure");
    } catch (error) {
      expect(error).toBeInstanceOf(ScalekitError);
      expect((error as ScalekitError).errorCode).toBe("TEMPLATE_VARIABLE_MISSING");
      expect((error as ScalekitError).message).toContain('"company"');
    }
  });

  it("the shipped templates need no caller variables", () => {
    expect(templates.templates.SIGNIN.required).toEqual([]);
    expect(templates.templates.SIGNUP.required).toEqual([]);
  });
});

describe("the .eml form", () => {
  it("is a multipart/alternative message with the mock-clock date", () => {
    const r = request("OTP", { templateVariables: { app_name: "Café" } });
    const email = Object.assign(composeEmail(templates, r, { id: "m4", kind: "send" as const, now: T0 }), { seq: 1 });
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

describe("template variables named like Object.prototype members", () => {
  const custom: TemplateSet = {
    from: "Mock <m@example.com>",
    templates: Object.fromEntries(
      (["SIGNIN", "SIGNUP"] as const).map((name) => [name, { subject: "{{constructor}}", html: "<p>{{__proto__}} {{toString}}</p>", text: "{{__proto__}} {{toString}}", required: ["__proto__", "constructor", "toString"] }]),
    ) as TemplateSet["templates"],
  };
  const supplied = JSON.parse('{"__proto__": "p", "constructor": "c", "toString": "t"}') as Record<string, string>;

  it("are required when a template uses them, not taken from Object.prototype", () => {
    const error = (() => {
      try {
        assertTemplateVariables(custom, "SIGNIN", {});
      } catch (e) {
        return e as ScalekitError;
      }
      return undefined;
    })();
    expect(error?.message).toContain('"__proto__", "constructor", "toString"');
  });

  it("pass validation and render their own values", () => {
    const r = request("OTP", { templateVariables: supplied });
    expect(Object.entries(r.templateVariables)).toEqual(Object.entries(supplied));
    assertTemplateVariables(custom, "SIGNIN", r.templateVariables);
    const email = composeEmail(custom, r, { id: "m9", kind: "send", now: T0 });
    expect([email.subject, email.html, email.text]).toEqual(["c", "<p>p t</p>", "p t"]);
  });
});

