import Mustache from "mustache";
import { describe, expect, it } from "vitest";
import { SECTION_DEPTH_MAX } from "../domain/email-template.js";
import { compileTemplate, escapeHtml, renderTemplate, TemplateSyntaxError } from "./template-syntax.js";

const render = (source: string, variables: Record<string, string>, escape?: (v: string) => string) => renderTemplate(compileTemplate(source), variables, escape);

function syntaxError(source: string): TemplateSyntaxError {
  try {
    compileTemplate(source);
  } catch (error) {
    if (error instanceof TemplateSyntaxError) return error;
    throw error;
  }
  throw new Error(`expected ${JSON.stringify(source)} to be refused`);
}

describe("Mustache templates", () => {
  it("substitute variables written with or without inner spaces", () => {
    expect(render("Hi {{ first_name }}, {{app_name}}", { first_name: "Ana", app_name: "Acme" })).toBe("Hi Ana, Acme");
  });

  it("render sections on a non-empty value and inverted sections on an empty or missing one", () => {
    const source = "{{#otp}}code {{otp}}{{/otp}}{{^otp}}no code{{/otp}}";
    expect(render(source, { otp: "123" })).toBe("code 123");
    expect(render(source, {})).toBe("no code");
    expect(render(source, { otp: "" })).toBe("no code");
  });

  it("escape values, not the template, and leave {{{ }}} and {{& }} unescaped", () => {
    expect(render("<b>{{name}}</b>{{{name}}}{{&name}}", { name: `<"&>` }, escapeHtml)).toBe(`<b>&#60;&#34;&#38;&#62;</b><"&><"&>`);
  });

  it("list every name they read, in variables and sections, once and sorted", () => {
    expect(compileTemplate("{{b}} {{#a}}{{c}}{{/a}} {{^d}}{{{e}}}{{/d}} {{! a comment }} {{b}}").variables).toEqual(["a", "b", "c", "d", "e"]);
  });

  it("report a parse error with the line and column of Mustache's offset", () => {
    expect([syntaxError("ab\ncd {{/x}}").line, syntaxError("ab\ncd {{/x}}").column]).toEqual([2, 4]);
    expect(syntaxError("{{name").problem).toBe("Unclosed tag");
  });

  it("report a section left open at the opening tag of the innermost one, not at the end of the input", () => {
    const error = syntaxError("line one\n  {{#otp}}code\nthree");
    expect(error.problem).toBe('Unclosed section "otp"');
    expect([error.line, error.column]).toEqual([2, 3]);
    expect(error.message).toBe('line 2, column 3: Unclosed section "otp"');
    const nested = syntaxError("{{#a}}{{{x}}}{{! }} }}\n{{#b}}{{/b}} {{ ^c }}{{#d}}{{/d}}\nend");
    expect(nested.problem).toBe('Unclosed section "c"');
    expect([nested.line, nested.column]).toEqual([2, 14]);
  });

  it(`accept sections nested ${SECTION_DEPTH_MAX} levels deep and render them`, () => {
    const source = `${"{{#aa}}".repeat(SECTION_DEPTH_MAX)}x${"{{/aa}}".repeat(SECTION_DEPTH_MAX)}`;
    expect(render(source, { aa: "1" })).toBe("x");
  });

  it.each([SECTION_DEPTH_MAX + 1, 3000, 5000])("refuse sections nested %i levels deep at the first opening tag too deep", (levels) => {
    const source = `{{^bb}}\n${"{{#aa}}".repeat(levels - 1)}x${"{{/aa}}".repeat(levels - 1)}{{/bb}}`;
    const error = syntaxError(source);
    expect(error.problem).toMatch(new RegExp(`^sections nest more than ${SECTION_DEPTH_MAX} levels deep`));
    expect([error.line, error.column]).toEqual([2, 1 + (SECTION_DEPTH_MAX - 1) * 7]);
  });

  it("refuse deep sections in source order: an earlier bad tag is reported first", () => {
    const source = `${"{{#aa}}".repeat(60)}{{/aa}}{{a.b}}${"{{/aa}}".repeat(59)}`;
    expect(syntaxError(`{{x.y}}${source}`).problem).toMatch(/not a variable name/);
  });

  it.each([
    ["a dotted name", "x\n {{user.name}}", 2, 2, /not a variable name/],
    ["the implicit iterator", "{{.}}", 1, 1, /not a variable name/],
    ["a partial", "{{> footer}}", 1, 1, /partials/],
    ["a set-delimiter tag", "{{=<% %>=}}", 1, 1, /set-delimiter/],
    ["a dotted section", "{{#a.length}}x{{/a.length}}", 1, 1, /not a variable name/],
  ])("refuse %s, naming where", (_what, source, line, column, problem) => {
    const error = syntaxError(source);
    expect([error.line, error.column]).toEqual([line, column]);
    expect(error.problem).toMatch(problem);
  });

  it("do not grow Mustache's template caches, however many templates are compiled", () => {
    for (let i = 0; i < 100; i++) render(`{{x}} ${i}`, { x: "y" });
    expect(Object.keys((Mustache.templateCache as unknown as { _cache: object })._cache)).toEqual([]);
  });
});

describe("variables named like Object.prototype members", () => {
  const own = JSON.parse('{"__proto__": "p", "constructor": "c", "toString": "t", "hasOwnProperty": "h"}') as Record<string, string>;

  it("render their own values, also when read twice", () => {
    const source = "{{__proto__}} {{constructor}} {{toString}} {{hasOwnProperty}} {{hasOwnProperty}}";
    expect(render(source, own, escapeHtml)).toBe("p c t h h");
    expect(render(source, Object.assign(Object.create(null), own))).toBe("p c t h h");
  });

  it("count as missing when not supplied, never as Object.prototype's members", () => {
    expect(render("[{{constructor}}][{{toString}}][{{__proto__}}]", {}, escapeHtml)).toBe("[][][]");
    expect(render("{{#hasOwnProperty}}yes{{/hasOwnProperty}}{{^valueOf}}no{{/valueOf}}", {})).toBe("no");
  });

  it("inside a section still read the view, not the section value's properties", () => {
    expect(render("{{#name}}{{length}}{{/name}}", { name: "Ana" })).toBe("");
  });
});
