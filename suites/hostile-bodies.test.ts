import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { controlErrorBody, gatewayErrorBody } from "../mock-server/src/schemas/scalekit.js";
import { createMockScalekit, type MockScalekit } from "../mock-server/src/index.js";
import { post, restSession, type RestSession } from "./support/rest.js";

/**
 * Bodies built to break the error path rather than the happy one: values
 * nested thousands deep, numbers JSON.parse reads as Infinity, huge keys.
 * Each gets a 400 whose message says what was wrong in a few hundred
 * characters, never a 500 and never an echo of the whole value.
 */

let mock: MockScalekit;
let api: RestSession;

beforeAll(async () => {
  mock = await createMockScalekit({ seed: "hostile-bodies" });
  api = await restSession(mock);
});
afterAll(() => mock.close());

const SHORT = 300;
const nested = (depth: number) => "[".repeat(depth) + "]".repeat(depth);

/** POSTs raw JSON text to a passwordless endpoint with a valid token. */
const rest = (operation: string, json: string) =>
  post(mock.url, `/api/v1/passwordless/email/${operation}`, json, { authorization: `Bearer ${api.token}` });

async function control(method: string, path: string, json: string) {
  const response = await fetch(`${mock.url}/_mock/v1${path}`, { method, headers: { "content-type": "application/json" }, body: json });
  const text = await response.text();
  return { status: response.status, text, body: JSON.parse(text) as unknown };
}

function expectShortGatewayError(result: { status: number; body: unknown }): string {
  expect(result.status, JSON.stringify(result.body).slice(0, 500)).toBe(400);
  const body = gatewayErrorBody.parse(result.body);
  expect(body.code).toBe(3);
  expect(body.message.length, body.message.slice(0, 500)).toBeLessThan(SHORT);
  return body.message;
}

describe("REST fields nested thousands deep", () => {
  const places: Array<[string, string, (value: string) => string]> = [
    ["email", "send", (v) => `{"email": ${v}}`],
    ["state", "send", (v) => `{"email": "a@example.com", "state": ${v}}`],
    ["expires_in", "send", (v) => `{"email": "a@example.com", "expires_in": ${v}}`],
    ["template", "send", (v) => `{"email": "a@example.com", "template": ${v}}`],
    ["template_variables", "send", (v) => `{"email": "a@example.com", "template_variables": ${v}}`],
    ["a template variable", "send", (v) => `{"email": "a@example.com", "template_variables": {"app_name": ${v}}}`],
    ["code", "verify", (v) => `{"auth_request_id": "x", "code": ${v}}`],
    ["auth_request_id", "resend", (v) => `{"auth_request_id": ${v}}`],
  ];
  const cases = places.flatMap(([name, operation, body]) => [5_000, 1_000].map((depth) => [name, depth, operation, body] as const));

  it.each(cases)("answer %s at depth %i with a 400 whose message is short", async (name, depth, operation, body) => {
    const message = expectShortGatewayError(await rest(operation, body(nested(depth))));
    expect(message).toContain("an array (1 item)");
    expect(message).not.toContain("[[");
  });

  it.each([
    ["an ignored field", (v: string) => `{"email": "a@example.com", "zz": ${v}}`],
    ["a known field", (v: string) => `{"email": ${v}}`],
  ])("refuse nesting past protojson's limit of 10,000 in %s, as grpc-gateway does", async (_name, body) => {
    const before = mock.inbox.list().length;
    const message = expectShortGatewayError(await rest("send", body(nested(30_000))));
    expect(message).toContain("deeper than 10000 levels");
    expect(mock.inbox.list()).toHaveLength(before);
    expect((await rest("send", `{"email": "a@example.com", "zz": ${nested(9_000)}}`)).status).toBe(200);
  });
});

describe("REST numbers out of range", () => {
  it.each([
    ["1e400", "a number too large for uint32 (it reads as Infinity)"],
    ["-1e400", "a number too small for uint32 (it reads as -Infinity)"],
    ['"99999999999"', "99999999999 is too large for uint32"],
    ["4294967296", "4294967296 is too large for uint32"],
    ["-5", "-5 is negative"],
    ["1.5", "1.5 is not a whole number"],
    ['"soon"', '"soon" is not a number'],
  ])("expires_in %s is refused saying %j", async (value, reason) => {
    const message = expectShortGatewayError(await rest("send", `{"email": "a@example.com", "expires_in": ${value}}`));
    expect(message).toBe(`invalid request body: invalid value for uint32 field expires_in: ${reason}; give a whole number from 0 to 4294967295`);
  });

  it.each([
    ["1e400", "a number too large for int32 (it reads as Infinity)"],
    ["2147483648", "2147483648 is too large for int32"],
    ["-2147483649", "-2147483649 is too small for int32"],
    ["0.5", "0.5 is not a whole number"],
  ])("template %s is refused saying %j", async (value, reason) => {
    const message = expectShortGatewayError(await rest("send", `{"email": "a@example.com", "template": ${value}}`));
    expect(message).toContain(`invalid value for enum field template: ${reason}`);
    expect(message).not.toContain("null");
  });

  it("quotes a long string only in part", async () => {
    const message = expectShortGatewayError(await rest("send", JSON.stringify({ email: "a@example.com", template: "S".repeat(50_000) })));
    expect(message).toContain("… (50000 characters)");
  });

  it("D37: names a template variable key over the limit in part, and lists at most ten violations", async () => {
    const variables = Object.fromEntries(Array.from({ length: 400 }, (_, i) => [`k${i}`.padEnd(100, "x"), "v"]));
    const result = await rest("send", JSON.stringify({ email: "a@example.com", template_variables: variables }));
    expect(result.status).toBe(400);
    const body = gatewayErrorBody.parse(result.body);
    // One violation for the number of pairs, one for each key's length.
    expect(body.message).toContain("and 391 more");
    expect(body.message).toContain(`template_variables["k0${"x".repeat(38)}"… (100 characters)]`);
    expect(body.message.length).toBeLessThan(2_000);
    expect(JSON.stringify(body.details).length).toBeLessThan(20_000);
  });
});

describe("control API bodies nested thousands deep", () => {
  const bodies: Array<[string, string, (value: string) => string]> = [
    ["PUT", "/settings", (v) => `{"otpLength": ${v}}`],
    ["PUT", "/settings", (v) => `{"tokenTtl": ${v}}`],
    ["POST", "/clock", (v) => `{"advance": ${v}}`],
    ["POST", "/clock", (v) => `{"set": ${v}}`],
    ["POST", "/faults", (v) => `{"operation": "send", "error": ${v}}`],
    ["POST", "/faults", (v) => `[${v}]`],
    ["POST", "/environments", (v) => `{"settings": {"otpLength": ${v}}}`],
    ["POST", "/environments", (v) => `{"id": ${v}}`],
  ];
  const cases = bodies.flatMap(([method, path, body]) => [5_000, 1_000].map((depth) => [method, path, depth, body] as const));

  it.each(cases)("%s %s at depth %i answers a 400 whose message is short", async (method, path, depth, body) => {
    const result = await control(method, path, body(nested(depth)));
    expect(result.status, result.text.slice(0, 500)).toBe(400);
    const { error } = controlErrorBody.parse(result.body);
    expect(error.message.length, error.message.slice(0, 500)).toBeLessThan(SHORT);
    expect(error.message).not.toContain("[[");
  });

  it("answers a snapshot with one field nested 5,000 deep with a short 400", async () => {
    const snapshot = (await fetch(`${mock.url}/_mock/v1/snapshot`).then((r) => r.json())) as { state: Record<string, unknown> };
    const text = JSON.stringify(snapshot).replace(/"seed":"[^"]*"/, `"seed":${nested(5_000)}`);
    const result = await control("PUT", "/snapshot", text);
    expect(result.status).toBe(400);
    expect(controlErrorBody.parse(result.body).error.message.length).toBeLessThan(SHORT);
  });

  it.each([
    ["an unknown key of 50,000 characters", "PUT", "/settings", JSON.stringify({ ["k".repeat(50_000)]: 1 })],
    ["an environment id of 50,000 characters", "POST", "/environments", JSON.stringify({ id: "i".repeat(50_000) })],
    ["a duration of 50,000 characters", "POST", "/clock", JSON.stringify({ advance: "9".repeat(50_000) })],
    ["a time of 50,000 characters", "POST", "/clock", JSON.stringify({ set: "t".repeat(50_000) })],
    ["a gRPC code of 50,000 characters", "POST", "/faults", JSON.stringify({ operation: "send", error: "c".repeat(50_000) })],
    ["10,000 unknown keys", "PUT", "/settings", JSON.stringify(Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`key${i}`, i])))],
  ])("answers %s with a 400 of bounded length", async (_name, method, path, body) => {
    const result = await control(method, path, body);
    expect(result.status).toBe(400);
    expect(result.text.length).toBeLessThan(5_000);
  });
});

describe("control API numbers JSON.parse reads as Infinity", () => {
  it.each([
    ["PUT", "/settings", '{"otpLength": 1e400}', "otpLength: a number too large to represent (it reads as Infinity)"],
    ["PUT", "/settings", '{"tokenTtl": 1e400}', 'tokenTtl: expected whole seconds or a duration like "5m", got a number too large to represent (it reads as Infinity)'],
    ["POST", "/clock", '{"advance": 1e400}', "advance: expected a duration such as \"5m\" or a number of milliseconds, got a number too large to represent (it reads as Infinity)"],
    ["POST", "/clock", '{"set": -1e400}', "set: expected an ISO 8601 time or epoch milliseconds, got a number too small to represent (it reads as -Infinity)"],
    ["POST", "/faults", '{"operation": "send", "error": 1e400}', "not a gRPC error code: a number too large to represent (it reads as Infinity)"],
    ["POST", "/faults", '{"operation": "send", "delayMs": 1e400}', "delayMs: a number too large to represent (it reads as Infinity)"],
  ])("%s %s %s says the number was too large", async (method, path, body, reason) => {
    const result = await control(method, path, body);
    expect(result.status).toBe(400);
    expect(controlErrorBody.parse(result.body).error.message).toContain(reason);
  });
});

describe("control API values past the dates the clock can show", () => {
  afterEach(() => fetch(`${mock.url}/_mock/v1/clock`, { method: "DELETE" }));

  it.each([
    ["an advance of 50,000 digits", { advance: "9".repeat(50_000) }],
    ["an advance past the year 9999", { advance: "3000000d" }],
    ["a time past the year 9999", { set: 8.64e15 + 1 }],
    ["a time past the year 9999, while freezing", { set: 253402300800000, freeze: true }],
  ])("refuse %s with 400 and leave the clock as it was", async (_name, change) => {
    const before = await fetch(`${mock.url}/_mock/v1/clock`).then((r) => r.json());
    const result = await control("POST", "/clock", JSON.stringify(change));
    expect(result.status, result.text).toBe(400);
    expect(controlErrorBody.parse(result.body).error.message).toContain("1970-01-01T00:00:00.000Z to 9999-12-31T23:59:59.999Z");
    const after = await fetch(`${mock.url}/_mock/v1/clock`).then((r) => r.json());
    expect(after.frozen).toBe(before.frozen);
    expect(Math.abs(after.offset_ms - before.offset_ms)).toBeLessThan(1_000);
    expect((await api.send({ email: "clock@example.com" })).status).toBe(200);
  });

  it("refuses a snapshot whose clock lies past the year 9999", async () => {
    const snapshot = (await fetch(`${mock.url}/_mock/v1/snapshot`).then((r) => r.json())) as { state: { clock: { now: number } } };
    snapshot.state.clock.now = 8.64e15;
    const result = await control("PUT", "/snapshot", JSON.stringify(snapshot));
    expect(result.status).toBe(400);
    expect((await fetch(`${mock.url}/_mock/v1/clock`)).status).toBe(200);
  });

  it("refuses lifetimes longer than a uint32 of seconds", async () => {
    const result = await control("PUT", "/settings", JSON.stringify({ maxExpiresIn: 1e14, defaultExpiresIn: 1e14 }));
    expect(result.status).toBe(400);
    expect((await api.send({ email: "lifetime@example.com" })).status).toBe(200);
    expect((await fetch(`${mock.url}/_mock/v1/auth-requests`)).status).toBe(200);
  });
});

describe("unknown fields with names no header can carry raw", () => {
  const header = (result: { headers: Headers }) => result.headers.get("x-scalekit-mock-ignored-fields") ?? "";
  const names = (value: string) => value.split(",").map(decodeURIComponent);

  it.each([
    ["non-Latin-1 characters", "héllo€ ключ 😀"],
    ["CR and LF", "a\r\nb"],
    ["NUL", "a\u0000b"],
    ["a line separator", "a\u2028b"],
    ["a comma and a percent sign", "a,b%c"],
  ])("D15: are ignored with 200 and named, percent-encoded, when they hold %s", async (_name, key) => {
    const result = await rest("send", JSON.stringify({ email: "a@example.com", [key]: 1, other: 2 }));
    expect(result.status).toBe(200);
    expect(header(result)).toMatch(/^[\x21-\x7e]*$/);
    expect(names(header(result))).toEqual([key, "other"]);
  });

  it("names a lone surrogate as U+FFFD", async () => {
    const result = await rest("send", '{"email": "a@example.com", "x\\ud800y": 1}');
    expect(result.status).toBe(200);
    expect(names(header(result))).toEqual(["x\uFFFDy"]);
  });

  it("cuts a long name and a long list to a bounded header that says how many more there were", async () => {
    const unknown = Object.fromEntries(Array.from({ length: 2_000 }, (_, i) => [`field_${i}`, i]));
    const result = await rest("send", JSON.stringify({ email: "a@example.com", ["€".repeat(5_000)]: 1, ...unknown }));
    expect(result.status).toBe(200);
    const value = header(result);
    expect(value.length).toBeLessThanOrEqual(1_024);
    expect(value).toMatch(/ \(\+\d+ more\)$/);
    const [first] = names(value.replace(/ \(\+\d+ more\)$/, ""));
    expect(first).toBe(`${"€".repeat(64)}…`);
  });
});
