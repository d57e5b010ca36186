import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { controlErrorBody } from "../mock-server/src/schemas/scalekit.js";
import { MockApiError, ScalekitMockClient } from "../mock-server/src/client/index.js";
import { createMockScalekit, type MockScalekit } from "../mock-server/src/index.js";
import { restSession, type RestSession } from "./support/rest.js";

let mock: MockScalekit;
let api: RestSession;
let client: ScalekitMockClient;

beforeAll(async () => {
  mock = await createMockScalekit({ seed: "control" });
  api = await restSession(mock);
  client = new ScalekitMockClient(mock.url);
});
afterAll(() => mock.close());
beforeEach(() => mock.reset());

async function control(method: string, path: string, body?: unknown, contentType = "application/json") {
  const response = await fetch(`${mock.url}/_mock/v1${path}`, {
    method,
    ...(body !== undefined && { headers: { "content-type": contentType }, body: typeof body === "string" ? body : JSON.stringify(body) }),
  });
  const text = await response.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, json, text, headers: response.headers };
}

const sendTo = (email: string, extra: Record<string, unknown> = {}) => api.send({ email, ...extra }).then((r) => r.body);

describe("health and reset", () => {
  it("reports health with the version", async () => {
    expect((await control("GET", "/health")).json).toMatchObject({ status: "ok", name: "scalekit-mock" });
  });

  it("reset forgets mail, auth requests, settings and clock", async () => {
    await client.settings.update({ otpLength: 8 });
    await client.clock.advance("1h");
    const sent = await sendTo("r@example.com");
    await client.reset();
    expect(await client.inbox.list()).toEqual([]);
    expect((await control("GET", `/auth-requests/${sent.auth_request_id}`)).status).toBe(404);
    expect((await client.settings.get()).otpLength).toBe(6);
    expect(Math.abs((await client.clock.now()).offset_ms)).toBeLessThan(1000);
  });
});

describe("settings", () => {
  it("updates the fields given and keeps the rest", async () => {
    const updated = await client.settings.update({ passwordlessType: "LINK_OTP", tokenTtl: "10m" });
    expect(updated).toMatchObject({ passwordlessType: "LINK_OTP", tokenTtl: 600, maxAttempts: 5 });
    const sent = await sendTo("s@example.com", { magiclink_auth_uri: "https://app.test/cb" });
    expect(sent.passwordless_type).toBe("LINK_OTP");
    expect(await client.settings.get()).toEqual(updated);
  });

  it("rejects invalid settings naming the field, and changes nothing", async () => {
    const result = await control("PUT", "/settings", { maxAttempts: 0, colour: "red" });
    expect(result.status).toBe(400);
    const body = controlErrorBody.parse(result.json);
    expect(body.error.code).toBe("INVALID_ARGUMENT");
    expect(body.error.message).toContain("maxAttempts");
    expect(body.error.message).toContain("colour");
    expect((await client.settings.get()).maxAttempts).toBe(5);
    expect((await control("PUT", "/settings", [1])).status).toBe(400);
    expect((await control("PUT", "/settings", "{nope")).status).toBe(400);
    expect((await control("PUT", "/settings", "maxAttempts=3", "text/plain")).status).toBe(415);
  });
});

describe("emails", () => {
  it("lists newest first with filters and a limit", async () => {
    await sendTo("a@example.com");
    const b = await sendTo("b@example.com");
    await sendTo("A@example.com");
    expect((await client.inbox.list()).map((e) => e.to)).toEqual(["A@example.com", "b@example.com", "a@example.com"]);
    expect((await client.inbox.list({ to: "a@example.com" })).map((e) => e.seq)).toEqual([3, 1]);
    expect((await client.inbox.list({ authRequestId: b.auth_request_id })).map((e) => e.to)).toEqual(["b@example.com"]);
    expect((await client.inbox.list({ after: 1, limit: 1 })).map((e) => e.seq)).toEqual([3]);
    const summary = (await client.inbox.list())[0]!;
    expect(summary).not.toHaveProperty("html");
    expect(summary.otp).toMatch(/^\d{6}$/);
  });

  it("rejects bad query parameters", async () => {
    for (const query of ["limit=0", "limit=abc", "after=-1"]) {
      const result = await control("GET", `/emails?${query}`);
      expect(result.status, query).toBe(400);
      controlErrorBody.parse(result.json);
    }
    expect((await control("GET", "/emails/latest?wait=forever")).status).toBe(400);
    expect((await control("GET", "/emails/latest?wait=10m")).status).toBe(400);
  });

  it("serves one email as JSON, .eml, .html and .txt", async () => {
    await sendTo("one@example.com", { template_variables: { app_name: "Acme" } });
    const email = await client.inbox.latest({ to: "one@example.com" });
    expect(email.html).toContain("Acme");
    expect(await client.inbox.get(email.id)).toEqual(email);
    const eml = await control("GET", `/emails/${email.id}.eml`);
    expect(eml.headers.get("content-type")).toBe("message/rfc822");
    expect(eml.text).toContain(`Subject: ${email.subject}`);
    const html = await control("GET", `/emails/${email.id}.html`);
    expect(html.headers.get("content-type")).toContain("text/html");
    expect(html.text).toBe(email.html);
    expect((await control("GET", `/emails/${email.id}.txt`)).text).toBe(email.text);
    const missing = await control("GET", "/emails/nope.eml");
    expect(missing.status).toBe(404);
    controlErrorBody.parse(missing.json);
  });

  it("deletes all emails", async () => {
    await sendTo("d@example.com");
    expect(await client.inbox.clear()).toBe(1);
    expect(await client.inbox.list()).toEqual([]);
  });

  it("latest answers 404 at once without wait, and after the wait with one", async () => {
    expect((await control("GET", "/emails/latest?to=nobody@example.com")).status).toBe(404);
    const started = performance.now();
    const result = await control("GET", "/emails/latest?to=nobody@example.com&wait=300ms");
    expect(result.status).toBe(404);
    expect(result.json.error.message).toContain("within 0.3s");
    expect(performance.now() - started).toBeGreaterThanOrEqual(250);
  });

  it("latest with wait returns as soon as the email arrives", async () => {
    const waiting = client.inbox.latest({ to: "soon@example.com", wait: "10s" });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = performance.now();
    await sendTo("soon@example.com");
    const email = await waiting;
    expect(email.to).toBe("soon@example.com");
    expect(performance.now() - started).toBeLessThan(1000);
  });
});

describe("otp lookup", () => {
  it("returns the code of the newest usable email, waiting for it", async () => {
    const waiting = client.inbox.waitForOtp("wait@example.com", { wait: "5s" });
    const sent = await sendTo("wait@example.com");
    const found = await waiting;
    expect(found).toMatchObject({ auth_request_id: sent.auth_request_id, template: "SIGNIN", seq: 1 });
    expect(found.code).toMatch(/^\d{6}$/);
  });

  it("skips codes already used, and says why when nothing is left", async () => {
    const first = await sendTo("used@example.com");
    const { code } = await client.inbox.waitForOtp("used@example.com");
    await api.verify({ code, auth_request_id: first.auth_request_id });
    const result = await control("GET", "/otp?email=used@example.com");
    expect(result.status).toBe(404);
    expect(result.json.error.message).toContain("verified");
    const second = await sendTo("used@example.com");
    expect((await client.inbox.waitForOtp("used@example.com")).auth_request_id).toBe(second.auth_request_id);
  });

  it("skips codes replaced by a resend with new credentials", async () => {
    await client.settings.update({ newCredentialsOnResend: true });
    const sent = await sendTo("new@example.com");
    const before = await client.inbox.waitForOtp("new@example.com");
    await api.resend({ auth_request_id: sent.auth_request_id });
    const after = await client.inbox.waitForOtp("new@example.com");
    expect(after.code).not.toBe(before.code);
    expect(after.seq).toBe(before.seq + 1);
  });

  it("returns the link for LINK environments", async () => {
    await client.settings.update({ passwordlessType: "LINK" });
    await sendTo("l@example.com", { magiclink_auth_uri: "https://app.test/cb" });
    const found = await client.inbox.waitForLink("l@example.com");
    expect(found.link).toBe(`https://app.test/cb?link_token=${found.link_token}`);
    await expect(client.inbox.waitForOtp("l@example.com")).rejects.toThrow(/no OTP code/);
  });

  it("requires email", async () => {
    const result = await control("GET", "/otp");
    expect(result.status).toBe(400);
    expect(result.json.error.message).toContain("email");
  });
});

describe("auth requests", () => {
  it("lists and shows state, attempts and credentials", async () => {
    const sent = await sendTo("ar@example.com", { state: "st" });
    await api.verify({ code: "x", auth_request_id: sent.auth_request_id });
    const [listed] = await client.authRequests.list("ar@example.com");
    expect(listed).toMatchObject({ auth_request_id: sent.auth_request_id, status: "pending", attempts: 1, state: "st", resends: 0 });
    expect(listed!.credentials.code).toMatch(/^\d{6}$/);
    expect(await client.authRequests.get(sent.auth_request_id)).toEqual(listed);
    await expect(client.authRequests.get("missing")).rejects.toMatchObject({ status: 404, code: "NOT_FOUND" });
  });

  it("shows a request as expired once the clock passes its expiry", async () => {
    const sent = await sendTo("exp@example.com");
    await client.clock.advance("5m");
    expect((await client.authRequests.get(sent.auth_request_id)).status).toBe("expired");
  });
});

describe("clock", () => {
  it("advances, sets, freezes and resets", async () => {
    const start = await client.clock.now();
    expect(start.frozen).toBe(false);
    const advanced = await client.clock.advance("2h");
    expect(advanced.offset_ms).toBeGreaterThan(7_199_000);
    const frozen = await client.clock.set("2030-01-01T00:00:00Z");
    expect(frozen.now.startsWith("2030-01-01T00:00:0")).toBe(true);
    await client.clock.freeze();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect((await client.clock.now()).now).toBe((await client.clock.now()).now);
    expect((await client.clock.advance(1500)).now).toMatch(/^2030-01-01T00:00:0\d\.\d{3}Z$/);
    const reset = await client.clock.reset();
    expect(reset.frozen).toBe(false);
    expect(Math.abs(reset.offset_ms)).toBeLessThan(1000);
  });

  it("rejects an empty or malformed change", async () => {
    for (const body of [{}, { advance: "soon" }, { set: "yesterday" }, { advance: "1m", set: 0 }, { freeze: "yes" }, { rewind: "1m" }]) {
      const result = await control("POST", "/clock", body);
      expect(result.status, JSON.stringify(body)).toBe(400);
      controlErrorBody.parse(result.json);
    }
  });
});

describe("the clock's range", () => {
  it("refuses a change past year 9999 or before 1970 with a 400 naming the field, and changes nothing", async () => {
    for (const body of [
      { advance: "99999999999d" },
      { advance: 1e300 },
      { advance: "-30000d" },
      { set: 8_639_999_999_000_000 },
      { set: "+010000-01-01T00:00:00.000Z" },
      { set: -1 },
      { freeze: true, advance: "99999999999d" },
    ]) {
      const refused = await control("POST", "/clock", body);
      expect(refused.status, JSON.stringify(body)).toBe(400);
      const { error } = controlErrorBody.parse(refused.json);
      expect(error.message, JSON.stringify(body)).toContain("9999-12-31T23:59:59.999Z");
      expect(error.details[0], JSON.stringify(body)).toMatchObject({ field: "advance" in body ? "advance" : "set" });
      const clock = (await control("GET", "/clock")).json;
      expect(clock.frozen, JSON.stringify(body)).toBe(false);
      expect(Math.abs(clock.offset_ms)).toBeLessThan(1_000);
    }
    for (const path of ["/emails", "/snapshot", "/requests"]) expect((await control("GET", path)).status, path).toBe(200);
    expect(() => mock.clock.advance("99999999999d")).toThrow(/outside 1970-01-01T00:00:00.000Z to 9999-12-31T23:59:59.999Z/);
    expect(() => mock.clock.set(8_639_999_999_000_000)).toThrow(/the clock did not change/);
    expect(mock.clock.now().getFullYear()).toBe(new Date().getFullYear());
  });

  it("D36: refuses a send whose expiry would pass the end of year 9999 with a 400, and keeps the inbox readable", async () => {
    expect((await control("POST", "/clock", { set: "9999-12-31T23:58:30Z", freeze: true })).status).toBe(200);
    // A token from now has expired by then.
    const late = await restSession(mock);
    const refused = await late.send({ email: "late@example.com" });
    expect(refused.status).toBe(400);
    expect(refused.body.details[0]).toMatchObject({ error_code: "MOCK_TIME_OUT_OF_RANGE" });
    expect(refused.body.message).toContain("Set the mock clock earlier or ask for a shorter expires_in");
    const sent = await late.send({ email: "late@example.com", expires_in: 60 });
    expect(sent.status).toBe(200);
    expect((await late.resend({ auth_request_id: sent.body.auth_request_id })).status).toBe(200);
    await client.clock.advance("75s");
    expect((await late.resend({ auth_request_id: sent.body.auth_request_id })).body.details[0]).toMatchObject({ error_code: "MOCK_TIME_OUT_OF_RANGE" });
    const request = (await control("GET", `/auth-requests/${sent.body.auth_request_id}`)).json;
    expect(request).toMatchObject({ status: "expired", expires_at: "9999-12-31T23:59:30.000Z" });
    expect((await control("DELETE", "/clock")).status).toBe(200);
    for (const path of ["/emails", "/emails/latest", "/auth-requests", "/snapshot"]) expect((await control("GET", path)).status, path).toBe(200);
  });
});

describe("errors of the control API", () => {
  it("answers an unknown route with a JSON 404", async () => {
    const result = await control("GET", "/nope");
    expect(result.status).toBe(404);
    controlErrorBody.parse(result.json);
  });

  it("the client throws the server's message", async () => {
    const error = await client.settings.update({ otpLength: 99 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MockApiError);
    expect((error as MockApiError).message).toContain("otpLength");
    expect((error as MockApiError).status).toBe(400);
  });
});
