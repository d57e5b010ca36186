import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { SECTION_DEPTH_MAX, TEMPLATE_LIMITS } from "../mock-server/src/domain/email-template.js";
import { LIMITS } from "../mock-server/src/domain/validation.js";
import { createMockScalekit, type MockScalekit } from "../mock-server/src/index.js";
import { restSession } from "./support/rest.js";

/** What a template may hold so that every send and read of its emails still works. */

let mock: MockScalekit;

beforeAll(async () => {
  mock = await createMockScalekit({ seed: "template-limits" });
});
afterAll(() => mock.close());
beforeEach(() => mock.reset());

const control = (method: string, path: string, body?: unknown) =>
  fetch(`${mock.url}/_mock/v1${path}`, {
    method,
    headers: { "content-type": "application/json" },
    ...(body !== undefined && { body: typeof body === "string" ? body : JSON.stringify(body) }),
  });

const nested = (levels: number) => `${"{{#aa}}".repeat(levels)}x${"{{/aa}}".repeat(levels)}`;

describe("section nesting", () => {
  it.each([3000, 5000])("D56: a template nesting sections %i levels deep is refused with 400 at the first tag too deep", async (levels) => {
    const response = await control("PUT", "/templates/SIGNIN", { subject: "s", text: nested(levels) });
    expect(response.status).toBe(400);
    const { error } = (await response.json()) as { error: { code: string; message: string; details: unknown[] } };
    expect(error.code).toBe("INVALID_ARGUMENT");
    expect(error.message).toBe(
      `invalid template: text: line 1, column ${1 + SECTION_DEPTH_MAX * 7}: sections nest more than ${SECTION_DEPTH_MAX} levels deep: close some before {{#aa}} (at most ${SECTION_DEPTH_MAX} open at once)`,
    );
    expect((await control("GET", "/snapshot")).status).toBe(200);
  });

  it("accepts the deepest nesting allowed, and its emails read back", async () => {
    expect((await control("PUT", "/templates/SIGNIN", { subject: "s", text: nested(SECTION_DEPTH_MAX) })).status).toBe(200);
    expect((await control("POST", "/templates/SIGNIN/preview", { template_variables: { aa: "1" } }).then((r) => r.json())).text).toBe("x");
  });

  it("refuses a snapshot carrying a template nested too deep, naming it", async () => {
    const snapshot = mock.snapshot();
    const deep = { ...snapshot, state: { ...snapshot.state, templates: { SIGNIN: { subject: "s", text: nested(5000) } } } };
    const response = await control("PUT", "/snapshot", deep);
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { message: string } }).error.message).toMatch(/^invalid template: state\.templates\.SIGNIN\.text: line 1, column \d+: sections nest more than/);
  });

  it("refuses to start with a template nested too deep, with the template error", async () => {
    await expect(createMockScalekit({ templates: { SIGNIN: { subject: "s", text: nested(5000) } } })).rejects.toThrow(
      `templates.SIGNIN.text: line 1, column ${1 + SECTION_DEPTH_MAX * 7}: sections nest more than ${SECTION_DEPTH_MAX} levels deep`,
    );
  });
});

describe("the sender", () => {
  it.each([
    ["a CR LF that would start a header", "Mock\r\nBcc: x@example.com <a@b.test>", "expected no control characters"],
    ["no address", "Zoë Mock", "expected a sender such as"],
    ["an address a send would refuse", "Mock <not an address>", "expected a sender such as"],
  ])("is refused at start when it has %s", async (_what, from, expected) => {
    await expect(createMockScalekit({ templates: { from } })).rejects.toThrow(expected);
  });

  it("is one a snapshot import accepts: export, import and export again keep a non-ASCII sender", async () => {
    const started = await createMockScalekit({ templates: { from: "Zoë Mock <noreply@mail.scalekit-mock.test>" } });
    try {
      const api = await restSession(started);
      await api.send({ email: "zoe@example.com" });
      const exported = started.snapshot();
      started.restore(JSON.parse(JSON.stringify(exported)));
      expect(started.inbox.latest()?.from).toBe("Zoë Mock <noreply@mail.scalekit-mock.test>");
    } finally {
      await started.close();
    }
  });

  it("is refused in a snapshot's email when it has no address or a control character", async () => {
    const snapshot = mock.snapshot();
    const email = {
      seq: 1, id: "e1", environmentId: "default", authRequestId: "r1", kind: "send", to: "a@example.com", date: 0, template: "SIGNIN",
      generation: 0, expiresAt: 0, subject: "s", text: "t",
    };
    for (const from of ["Mock\r\nBcc: x <a@b.test>", "Mock"]) {
      const response = await control("PUT", "/snapshot", { ...snapshot, state: { ...snapshot.state, inbox: { emails: [{ ...email, from }], nextSeq: 2 } } });
      expect(response.status).toBe(400);
      expect(await response.text()).toMatch(/expected a sender such as|expected no control characters/);
    }
  });
});

describe("variables no send could supply", () => {
  const refusal = async (template: { subject: string; text: string }) => {
    const response = await control("PUT", "/templates/SIGNIN", template);
    return { status: response.status, message: ((await response.json()) as { error?: { message: string } }).error?.message };
  };

  it.each([
    ["shorter than a send's keys may be", "{{x}}", 'invalid template: text: line 1, column 4: "x" has 1 character, but a send\'s template_variables keys have 2–25'],
    ["longer than a send's keys may be", `{{#${"n".repeat(26)}}}y{{/${"n".repeat(26)}}}`, `invalid template: text: line 1, column 4: "${"n".repeat(26)}" has 26 characters`],
  ])("are refused when a name is %s, at its first use", async (_what, body, message) => {
    const { status, message: got } = await refusal({ subject: "s", text: `ok\n{{otp}}${body}` });
    expect(status).toBe(400);
    expect(got).toContain(message.replace("line 1, column 4", "line 2, column 8"));
  });

  it(`are refused past ${LIMITS.templateVariablesMaxPairs} names a send must supply, counting every part once`, async () => {
    const names = Array.from({ length: LIMITS.templateVariablesMaxPairs + 1 }, (_, i) => `v${String(i).padStart(2, "0")}`);
    const allowed = { subject: `{{${names[0]}}}`, text: names.slice(0, -1).map((n) => `{{${n}}}`).join("") };
    expect((await refusal(allowed)).status).toBe(200);
    const { status, message } = await refusal({ ...allowed, text: `${allowed.text}{{app_name}}{{${names.at(-1)}}}` });
    expect(status).toBe(400);
    expect(message).toContain(`"${names.at(-1)}" is variable ${LIMITS.templateVariablesMaxPairs + 1} a send must supply`);
  });

  it("are not the built-in or contextual ones, whatever their length", async () => {
    expect((await refusal({ subject: "s", text: "{{app_organization_meta_name}} {{expiry_time_relative}} {{otp}}" })).status).toBe(200);
  });
});

describe("D56: template size as JSON", () => {
  it.each([
    ["three UTF-8 bytes", "日"],
    ["a six-byte JSON escape", "\u0001"],
  ])("a template at the size limits of characters taking %s each is accepted, and previewed", async (_what, ch) => {
    const body = ch.repeat(TEMPLATE_LIMITS.body);
    const template = { subject: ch.repeat(TEMPLATE_LIMITS.subject), html: body, text: body };
    const put = await control("PUT", "/templates/SIGNIN", template);
    expect(put.status).toBe(200);
    const preview = await control("POST", "/environments/default/templates/SIGNUP/preview", { template, template_variables: { aa: "x".repeat(LIMITS.templateVariableValueMaxLength) } });
    expect(preview.status).toBe(200);
  });

  it("a body over the limit is still refused by its size, not its bytes", async () => {
    const response = await control("PUT", "/templates/SIGNIN", { subject: "s", text: "x".repeat(TEMPLATE_LIMITS.body + 1) });
    expect(response.status).toBe(400);
  });
});

describe("a preview's template_variables", () => {
  const preview = async (template_variables: Record<string, string>) => {
    const response = await control("POST", "/templates/SIGNIN/preview", { template: { subject: "s", text: "{{aa}}" }, template_variables });
    return { status: response.status, text: await response.text() };
  };

  it.each([
    ["a reserved name", { otp: "1" }, "is reserved and filled in"],
    ["a key shorter than a send's", { a: "1" }, "at least 2 characters"],
    ["a key longer than a send's", { ["k".repeat(26)]: "1" }, "at most 25 characters"],
    ["a value longer than a send's", { aa: "v".repeat(257) }, "at most 256 characters"],
    ["more pairs than a send's", Object.fromEntries(Array.from({ length: 31 }, (_, i) => [`k${i}`, "v"])), "at most 30 entries"],
  ])("are refused, as a send refuses them, for %s", async (_what, variables, message) => {
    const { status, text } = await preview(variables);
    expect(status).toBe(400);
    expect(text).toContain(message);
  });

  it("within a send's rules are rendered", async () => {
    expect(JSON.parse((await preview({ aa: "v".repeat(256) })).text).text).toBe("v".repeat(256));
  });
});

describe("a template read and put back", () => {
  it("is accepted whole: the keys only a read answers are ignored, also under another type", async () => {
    const read = await (await control("GET", "/templates/SIGNUP")).json();
    const put = await control("PUT", "/templates/SIGNIN", read);
    expect(put.status).toBe(200);
    expect(await put.json()).toMatchObject({ type: "SIGNIN", custom: true, subject: read.subject });
  });
});
