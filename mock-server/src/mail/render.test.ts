import { describe, expect, it } from "vitest";
import { escapeHtml, renderTemplate, requiredVariables } from "./render.js";

describe("renderTemplate", () => {
  it("substitutes variables and fallbacks", () => {
    expect(renderTemplate("Hi {{name}}, {{app|our app}}", { name: "Ana" })).toBe("Hi Ana, our app");
    expect(renderTemplate("{{app|our app}}", { app: "Acme" })).toBe("Acme");
  });

  it("renders sections on presence and inverted sections on absence", () => {
    const source = "{{#otp}}code {{otp}}{{/otp}}{{^otp}}no code{{/otp}}";
    expect(renderTemplate(source, { otp: "123" })).toBe("code 123");
    expect(renderTemplate(source, {})).toBe("no code");
    expect(renderTemplate(source, { otp: "" })).toBe("no code");
  });

  it("escapes values, not the template", () => {
    expect(renderTemplate("<b>{{name}}</b>", { name: `<script>"x"&` }, escapeHtml)).toBe("<b>&#60;script&#62;&#34;x&#34;&#38;</b>");
  });

  it("lists variables used without fallback, minus those provided", () => {
    expect(requiredVariables("{{a}} {{b|x}} {{#c}}{{d}}{{/c}} {{otp}}", ["otp"])).toEqual(["a", "d"]);
  });
});

describe("variables named like Object.prototype members", () => {
  const own = JSON.parse('{"__proto__": "p", "constructor": "c", "toString": "t", "hasOwnProperty": "h"}') as Record<string, string>;

  it("render their own values, from a plain or a prototype-free object", () => {
    const source = "{{__proto__}} {{constructor}} {{toString}} {{hasOwnProperty}}";
    expect(renderTemplate(source, own, escapeHtml)).toBe("p c t h");
    expect(renderTemplate(source, Object.assign(Object.create(null), own))).toBe("p c t h");
  });

  it("count as missing when not supplied, never as Object.prototype's members", () => {
    expect(renderTemplate("[{{constructor}}][{{toString|none}}][{{__proto__|none}}]", {}, escapeHtml)).toBe("[][none][none]");
    expect(renderTemplate("{{#hasOwnProperty}}yes{{/hasOwnProperty}}{{^valueOf}}no{{/valueOf}}", {})).toBe("no");
  });
});
