import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { MockApiError, ScalekitMockClient } from "../mock-server/src/client/index.js";
import { createMockScalekit, type MockScalekit } from "../mock-server/src/index.js";
import { restSession } from "./support/rest.js";

/** An environment's own email templates through the control API, the in-process API and snapshots. */

let mock: MockScalekit;
let control: ScalekitMockClient;

beforeAll(async () => {
  mock = await createMockScalekit({ seed: "templates" });
  control = new ScalekitMockClient(mock.url);
});
afterAll(() => mock.close());
beforeEach(() => mock.reset());

async function refusal(call: Promise<unknown>): Promise<MockApiError> {
  try {
    await call;
  } catch (error) {
    if (error instanceof MockApiError) return error;
    throw error;
  }
  throw new Error("expected a refusal");
}

const raw = (path: string) => fetch(`${mock.url}/_mock/v1${path}`);

describe("the template routes", () => {
  it("list both types, the packaged ones until replaced, then back after DELETE", async () => {
    expect((await control.templates.list()).map((t) => [t.type, t.custom])).toEqual([["SIGNIN", false], ["SIGNUP", false]]);
    const put = await control.templates.put("SIGNUP", { subject: "Hi {{ first_name }}", text: "{{otp}} {{company}}" });
    expect(put).toEqual({ type: "SIGNUP", custom: true, subject: "Hi {{ first_name }}", text: "{{otp}} {{company}}", variables_required: ["company", "first_name"] });
    expect(await control.templates.get("SIGNUP")).toEqual(put);
    const restored = await control.templates.delete("SIGNUP");
    expect(restored.custom).toBe(false);
    expect(restored.html).toContain("<!doctype html>");
    expect(restored.variables_required).toEqual([]);
  });

  it("refuse an invalid template with 400, naming the part, line and column, and keep the one before", async () => {
    await control.templates.put("SIGNIN", { subject: "kept", text: "kept" });
    const error = await refusal(control.templates.put("SIGNIN", { subject: "ok", html: "<p>\n  {{#otp}}code\n</p>" }));
    expect(error.status).toBe(400);
    expect(error.code).toBe("INVALID_ARGUMENT");
    expect(error.message).toBe('invalid template: html: line 2, column 3: Unclosed section "otp"');
    expect(error.details).toEqual([{ field: "html", line: 2, column: 3, message: 'html: line 2, column 3: Unclosed section "otp"' }]);
    expect((await control.templates.get("SIGNIN")).subject).toBe("kept");
  });

  it("D53: refuse partials, dotted names and set-delimiter tags", async () => {
    for (const [text, problem] of [
      ["{{> footer}}", /partials/],
      ["Hi {{user.name}}", /not a variable name/],
      ["{{=<% %>=}}", /set-delimiter/],
    ] as const) {
      const error = await refusal(control.templates.put("SIGNIN", { subject: "s", text }));
      expect(error.status).toBe(400);
      expect(error.message).toMatch(problem);
    }
  });

  it("D56: refuse a template without a body, or over the size limits", async () => {
    expect((await refusal(control.templates.put("SIGNIN", { subject: "s" }))).message).toMatch(/html, text or both/);
    expect((await refusal(control.templates.put("SIGNIN", { subject: "s".repeat(1001), text: "t" }))).message).toMatch(/subject/);
    expect((await refusal(control.templates.put("SIGNIN", { subject: "s", html: "h".repeat(256 * 1024 + 1) }))).message).toMatch(/html/);
  });

  it("answer 404 for a template type that does not exist", async () => {
    const error = await refusal(control.templates.get("OTHER" as "SIGNIN"));
    expect([error.status, error.message]).toEqual([404, 'no template type "OTHER": use SIGNIN or SIGNUP']);
  });

  it("preview the stored or a given template with sample credentials, the settings' built-ins and given variables", async () => {
    await control.settings.update({ passwordlessType: "LINK_OTP", appName: "Acme" });
    await control.templates.put("SIGNIN", { subject: "{{app_name}} {{otp}}", html: "<p>{{ first_name }}</p>", text: "{{link}} {{user_email}}" });
    expect(await control.templates.preview("SIGNIN", { templateVariables: { first_name: "<Ana>" } })).toEqual({
      subject: "Acme 123456",
      html: "<p>&#60;Ana&#62;</p>",
      text: "https://app.example.test/passwordless/verify?link_token=00000000-0000-4000-8000-000000000000_l user@example.com",
      variables_required: [],
    });
    const given = await control.templates.preview("SIGNUP", { template: { subject: "{{ company }}", text: "x" }, email: "x@example.com" });
    expect(given).toEqual({ subject: "", text: "x", variables_required: ["company"] });
    expect(mock.templates.preview("SIGNUP")).toMatchObject({ subject: "123456 is your code to finish signing up to Acme" });
  });

  it("exist for every environment under /environments/{id}, each with its own templates", async () => {
    const env = await control.environments.create({ id: "tmpl-other" });
    try {
      const other = control.forEnvironment(env.id);
      await other.templates.put("SIGNIN", { subject: "other", text: "other" });
      expect((await other.templates.get("SIGNIN")).custom).toBe(true);
      expect((await control.templates.get("SIGNIN")).custom).toBe(false);
    } finally {
      await control.environments.delete(env.id);
    }
  });
});

describe("emails of a custom template", () => {
  it("keep rendering the template they were composed with after it changes", async () => {
    const api = await restSession(mock);
    mock.templates.put("SIGNIN", { subject: "first {{otp}}", text: "first {{app_name}}" });
    await api.send({ email: "keep@example.com" });
    mock.templates.put("SIGNIN", { subject: "second", text: "second" });
    mock.settings.update({ appName: "Changed" });
    const email = mock.inbox.latest({ to: "keep@example.com" })!;
    expect([email.subject, email.text]).toEqual([`first ${email.otp}`, "first Scalekit Mock"]);
  });

  it("are single-part .eml files when the template has one body, and the missing body answers 404", async () => {
    const api = await restSession(mock);
    mock.templates.put("SIGNIN", { subject: "text only", text: "plain" });
    mock.templates.put("SIGNUP", { subject: "html only", html: "<p>html</p>" });
    await api.send({ email: "text@example.com" });
    await api.send({ email: "html@example.com", template: "SIGNUP" });
    const text = mock.inbox.latest({ to: "text@example.com" })!;
    const html = mock.inbox.latest({ to: "html@example.com" })!;
    const eml = async (id: string) => (await raw(`/emails/${id}.eml`)).text();
    expect(await eml(text.id)).toMatch(/\r\nContent-Type: text\/plain; charset=utf-8\r\n[\s\S]*\r\n\r\nplain\r\n$/);
    expect(await eml(html.id)).toMatch(/\r\nContent-Type: text\/html; charset=utf-8\r\n[\s\S]*<p>html<\/p>\r\n$/);
    expect((await raw(`/emails/${text.id}.html`)).status).toBe(404);
    expect((await raw(`/emails/${html.id}.txt`)).status).toBe(404);
    const json = (await (await raw(`/emails/${text.id}`)).json()) as Record<string, unknown>;
    expect([json.text, "html" in json]).toEqual(["plain", false]);
  });

  it("D57: a resend needs the variables of the template in force at resend", async () => {
    const api = await restSession(mock);
    const sent = (await api.send({ email: "resend@example.com" })).body;
    mock.templates.put("SIGNIN", { subject: "{{ company }}", text: "x" });
    const resent = await api.resend({ auth_request_id: sent.auth_request_id });
    expect(resent.status).toBe(400);
    expect(resent.body.details[0].error_code).toBe("TEMPLATE_VARIABLE_MISSING");
    expect(mock.inbox.list({ to: "resend@example.com" })).toHaveLength(1);
  });

  it("D55: take the built-in variables from the environment's settings", async () => {
    const api = await restSession(mock);
    mock.settings.update({ organizationName: "Org", userName: "Ana", appSupportEmail: "help@org.test" });
    mock.templates.put("SIGNIN", { subject: "{{organization_name}}", text: "{{user_name}} {{app_support_email}} {{app_name}}" });
    await api.send({ email: "builtins@example.com" });
    expect(mock.inbox.latest({ to: "builtins@example.com" })).toMatchObject({ subject: "Org", text: "Ana help@org.test Scalekit Mock" });
  });
});

describe("snapshots with custom templates", () => {
  it("carry them: export, import and export again read the same byte for byte", async () => {
    mock.clock.freeze();
    mock.templates.put("SIGNUP", { subject: "Hi {{ first_name }}", html: "<p>{{otp}} {{first_name}}</p>", text: "{{otp}}" });
    mock.templates.put("SIGNIN", { subject: "one body", text: "{{otp}} {{first_name}}" });
    const api = await restSession(mock);
    await api.send({ email: "both@example.com", template: "SIGNUP", template_variables: { first_name: `<Ana & "Bo">` } });
    await api.send({ email: "one@example.com", template_variables: { first_name: "Ana" } });
    const exported = await (await raw("/snapshot")).text();
    const emails = JSON.parse(exported).state.inbox.emails as { html?: string; text?: string }[];
    expect(emails.map((e) => ["html" in e, "text" in e])).toEqual([[true, true], [false, true]]);
    expect(emails[0]!.html).toContain("&#60;Ana &#38; &#34;Bo&#34;&#62;");
    expect(JSON.parse(exported).state.templates.SIGNUP).toEqual({ subject: "Hi {{ first_name }}", html: "<p>{{otp}} {{first_name}}</p>", text: "{{otp}}" });
    mock.reset();
    expect(mock.templates.get("SIGNUP").custom).toBe(false);
    expect(mock.inbox.list()).toEqual([]);
    const put = await fetch(`${mock.url}/_mock/v1/snapshot`, { method: "PUT", headers: { "content-type": "application/json" }, body: exported });
    expect(put.status).toBe(200);
    expect(await (await raw("/snapshot")).text()).toBe(exported);
    expect(mock.templates.get("SIGNUP")).toMatchObject({ custom: true, variablesRequired: ["first_name"] });
  });

  it("refuse a snapshot whose template does not parse, naming where, and change nothing", async () => {
    const snapshot = mock.snapshot();
    const broken = { ...snapshot, state: { ...snapshot.state, templates: { SIGNIN: { subject: "s", text: "a\n{{/x}}" } } } };
    const put = await fetch(`${mock.url}/_mock/v1/snapshot`, { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify(broken) });
    expect(put.status).toBe(400);
    const body = (await put.json()) as { error: { message: string; details: unknown[] } };
    expect(body.error.message).toBe('invalid template: state.templates.SIGNIN.text: line 2, column 1: Unopened section "x"');
    expect(body.error.details).toEqual([expect.objectContaining({ field: "state.templates.SIGNIN.text", line: 2, column: 1 })]);
    expect(mock.templates.get("SIGNIN").custom).toBe(false);
  });
});

describe("templates given at start", () => {
  it("D57: apply to the default environment and every later one, and reset goes back to them", async () => {
    const started = await createMockScalekit({ seed: "templates-start", templates: { from: "Acme <no-reply@acme.test>", SIGNIN: { subject: "Acme {{otp}}", text: "{{otp}}" } } });
    try {
      const other = started.environment({ id: "later" });
      for (const env of [started, other]) {
        expect(env.templates.get("SIGNIN")).toMatchObject({ custom: true, subject: "Acme {{otp}}" });
        expect(env.templates.get("SIGNUP").custom).toBe(false);
      }
      started.templates.delete("SIGNIN");
      expect(started.templates.get("SIGNIN").custom).toBe(false);
      started.reset();
      expect(started.templates.get("SIGNIN").custom).toBe(true);
      const api = await restSession(started);
      await api.send({ email: "from@example.com" });
      expect(started.inbox.latest()).toMatchObject({ from: "Acme <no-reply@acme.test>", subject: `Acme ${started.inbox.latest()!.otp}` });
    } finally {
      await started.close();
    }
  });

  it("are refused at start when one does not parse, naming the type, part, line and column", async () => {
    await expect(createMockScalekit({ templates: { SIGNUP: { subject: "s", html: "<p>\n{{#a}}" } } })).rejects.toThrow(
      'templates.SIGNUP.html: line 2, column 1: Unclosed section "a"; fix the template',
    );
  });
});
