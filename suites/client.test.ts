import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as views from "../mock-server/src/schemas/control-views.js";
import { MockApiError, ScalekitMockClient } from "../mock-server/src/client/index.js";
import { createMockScalekit, type MockScalekit } from "../mock-server/src/index.js";
import { restSession } from "./support/rest.js";

/**
 * Every method of the typed control client against a live server, each
 * answer checked against the schema the client's types come from. A client
 * method added without a test here fails the last test.
 */

let mock: MockScalekit;
let client: ScalekitMockClient;
const called = new Set<string>();

/** Records which client methods the tests call. */
function recording(target: ScalekitMockClient): ScalekitMockClient {
  const wrap = (object: object, prefix: string): any =>
    new Proxy(object, {
      get(obj, key, receiver) {
        const value = Reflect.get(obj, key, receiver);
        const name = `${prefix}${String(key)}`;
        if (typeof value === "function") {
          return (...args: unknown[]) => {
            called.add(name);
            return value.apply(obj, args);
          };
        }
        if (value !== null && typeof value === "object") return wrap(value, `${name}.`);
        return value;
      },
    });
  return wrap(target, "");
}

function publicMethods(target: ScalekitMockClient): string[] {
  const names: string[] = [];
  for (const key of Object.getOwnPropertyNames(Object.getPrototypeOf(target))) {
    if (key !== "constructor" && typeof (target as any)[key] === "function") names.push(key);
  }
  for (const [key, value] of Object.entries(target)) {
    if (value !== null && typeof value === "object") for (const [inner, fn] of Object.entries(value)) if (typeof fn === "function") names.push(`${key}.${inner}`);
  }
  return names.sort();
}

beforeAll(async () => {
  mock = await createMockScalekit({ seed: "client" });
  client = recording(new ScalekitMockClient(mock.url));
});
afterAll(() => mock.close());

async function sendTo(email: string, extra: Record<string, unknown> = {}) {
  const api = await restSession(mock);
  const result = await api.send({ email, ...extra });
  expect(result.status).toBe(200);
  return result.body as { auth_request_id: string };
}

describe("ScalekitMockClient", () => {
  it("health, stats and reset", async () => {
    expect(views.health.parse(await client.health()).name).toBe("scalekit-mock");
    await sendTo("stats@example.com");
    const stats = views.stats.parse(await client.stats());
    expect(stats).toMatchObject({ environment_id: "default", auth_requests: 1, emails: 1 });
    expect(views.resetResult.parse(await client.reset())).toEqual({ status: "reset", environment_id: "default" });
    expect((await client.stats()).emails).toBe(0);
  });

  it("inbox: list, latest, get, waitForOtp with a timeout, clear", async () => {
    const waiting = client.inbox.waitForOtp("wait@example.com", { timeout: 5000 });
    const sent = await sendTo("wait@example.com");
    const otp = views.otp.parse(await waiting);
    expect(otp.auth_request_id).toBe(sent.auth_request_id);
    expect(otp.code).toMatch(/^\d{6}$/);

    const list = await client.inbox.list({ to: "wait@example.com" });
    expect(list).toHaveLength(1);
    views.emailSummary.parse(list[0]);
    const latest = views.email.parse(await client.inbox.latest({ to: "wait@example.com" }));
    expect(latest.text).toContain(otp.code);
    expect((await client.inbox.get(latest.id)).html).toContain(otp.code);
    expect(await client.inbox.clear()).toBe(1);
    expect(await client.inbox.list()).toEqual([]);
  });

  it("inbox: waitForOtp gives up after its timeout with the server's message", async () => {
    const error = await client.inbox.waitForOtp("nobody@example.com", { timeout: 50 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MockApiError);
    expect((error as MockApiError).status).toBe(404);
    expect((error as MockApiError).message).toMatch(/nobody@example\.com/);
  });

  it("inbox: waitForLink, and a clear error when the email has no link", async () => {
    await client.settings.update({ passwordlessType: "LINK" });
    await sendTo("link@example.com", { magiclink_auth_uri: "https://app.test/cb" });
    const link = await client.inbox.waitForLink("link@example.com");
    expect(link.link).toMatch(/^https:\/\/app\.test\/cb\?link_token=/);
    await client.settings.update({ passwordlessType: "OTP" });
    await sendTo("otp-only@example.com");
    await expect(client.inbox.waitForLink("otp-only@example.com")).rejects.toThrow(/no magic link/);
    await client.reset();
  });

  it("clock: now, advance, set, freeze, unfreeze, reset", async () => {
    const before = views.clock.parse(await client.clock.now());
    const advanced = await client.clock.advance("1h");
    expect(advanced.epoch_ms - before.epoch_ms).toBeGreaterThanOrEqual(3_600_000);
    // Frozen, so the set time is exact whatever the machine's load.
    const frozen = await client.clock.freeze();
    expect(frozen.frozen).toBe(true);
    expect((await client.clock.set("2030-01-01T00:00:00Z")).now).toBe("2030-01-01T00:00:00.000Z");
    expect((await client.clock.now()).now).toBe("2030-01-01T00:00:00.000Z");
    expect((await client.clock.unfreeze()).frozen).toBe(false);
    expect(Math.abs((await client.clock.reset()).offset_ms)).toBe(0);
  });

  it("settings: get and update, with the server's validation message", async () => {
    views.settings.parse(await client.settings.get());
    expect((await client.settings.update({ otpLength: 8 })).otpLength).toBe(8);
    const error = await client.settings.update({ otpLength: 99 } as never).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MockApiError);
    expect((error as MockApiError).status).toBe(400);
    expect((error as MockApiError).message).toMatch(/otpLength/);
    await client.reset();
  });

  it("templates: list, get, put, delete and preview, each answer as its schema says", async () => {
    expect((await client.templates.list()).map((t) => views.template.parse(t).custom)).toEqual([false, false]);
    const put = views.template.parse(await client.templates.put("SIGNIN", { subject: "{{ first_name }}", text: "{{otp}}" }));
    expect(put).toMatchObject({ custom: true, variables_required: ["first_name"] });
    expect(views.template.parse(await client.templates.get("SIGNIN"))).toEqual(put);
    const preview = views.templatePreview.parse(await client.templates.preview("SIGNIN", { templateVariables: { first_name: "Ana" }, email: "p@example.com" }));
    expect(preview).toEqual({ subject: "Ana", text: "123456", variables_required: [] });
    expect(views.template.parse(await client.templates.delete("SIGNIN")).custom).toBe(false);
    const error = await client.templates.put("SIGNIN", { subject: "{{#x}}", text: "t" }).catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 400, message: 'invalid template: subject: line 1, column 1: Unclosed section "x"' });
  });

  it("authRequests: list and get", async () => {
    const sent = await sendTo("ar@example.com");
    const list = await client.authRequests.list("ar@example.com");
    expect(list.map((r) => r.auth_request_id)).toEqual([sent.auth_request_id]);
    expect(views.authRequest.parse(await client.authRequests.get(sent.auth_request_id)).status).toBe("pending");
    await expect(client.authRequests.get("nope")).rejects.toMatchObject({ status: 404, code: "NOT_FOUND" });
  });

  it("faults: add, list, remove, clear", async () => {
    const added = views.fault.parse(await client.faults.add({ operation: "send", error: "Unavailable", times: 1 }));
    await client.faults.add({ id: "second", operation: "verify", error: "Internal" });
    expect((await client.faults.list()).map((f) => f.id)).toEqual([added.id, "second"]);
    expect(await client.faults.remove("second")).toEqual({ deleted: 1 });
    expect(await client.faults.clear()).toBe(1);
    await expect(client.faults.add({ operation: "nope" } as never)).rejects.toMatchObject({ status: 400 });
  });

  it("requests: list and clear", async () => {
    await client.requests.clear();
    await sendTo("journal@example.com");
    const entries = await client.requests.list({ operation: "send" });
    expect(entries).toHaveLength(1);
    expect(views.journalEntry.parse(entries[0]).email).toBe("journal@example.com");
    expect(await client.requests.clear()).toBeGreaterThan(0);
  });

  it("snapshot: export and import", async () => {
    await client.reset();
    await sendTo("snap@example.com");
    const snapshot = await client.snapshot.export();
    await client.reset();
    expect(await client.inbox.list()).toEqual([]);
    expect(await client.snapshot.import(snapshot)).toMatchObject({ restored: true });
    expect((await client.inbox.list()).map((e) => e.to)).toEqual(["snap@example.com"]);
    await expect(client.snapshot.import({ format: "other" })).rejects.toMatchObject({ status: 400 });
  });

  it("environments: create, list, get, delete, and forEnvironment", async () => {
    const env = views.environment.parse(await client.environments.create({ id: "e2e", settings: { otpLength: 4 } }));
    expect(env.client_secret).toBeDefined();
    expect((await client.environments.list()).map((e) => e.id)).toContain("e2e");
    expect((await client.environments.get("e2e")).settings.otpLength).toBe(4);
    const scoped = client.forEnvironment("e2e");
    expect((await scoped.settings.get()).otpLength).toBe(4);
    expect(await client.environments.delete("e2e")).toEqual({ deleted: "e2e" });
    await expect(client.environments.get("e2e")).rejects.toMatchObject({ status: 404 });
  });

  it("has a test above for every public method", () => {
    expect(publicMethods(new ScalekitMockClient(mock.url)).filter((name) => !called.has(name))).toEqual([]);
  });
});
