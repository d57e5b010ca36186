import { connect as http2Connect } from "node:http2";
import {
  ScalekitClient,
  ScalekitInternalServerException,
  ScalekitServiceUnavailableException,
  ScalekitTooManyRequestsException,
} from "@scalekit-sdk/node";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { controlErrorBody, gatewayErrorBody } from "../mock-server/src/schemas/scalekit.js";
import { createMockScalekit, type FaultRuleInput, type MockScalekit } from "../mock-server/src/index.js";
import { fetchToken, restSession, type RestSession } from "./support/rest.js";

let mock: MockScalekit;
let api: RestSession;

beforeAll(async () => {
  mock = await createMockScalekit({ seed: "faults" });
  api = await restSession(mock);
});
afterAll(() => mock.close());
beforeEach(() => mock.reset());

async function addFault(rule: unknown) {
  const response = await fetch(`${mock.url}/_mock/v1/faults`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(rule),
  });
  return { status: response.status, body: (await response.json()) as any };
}

const listFaults = () => fetch(`${mock.url}/_mock/v1/faults`).then((r) => r.json() as Promise<{ faults: any[] }>);

describe("error faults over REST", () => {
  it("answers a gRPC code by name with its HTTP status and a Scalekit-shaped body, times then expires", async () => {
    const added = await addFault({ operation: "send", error: "Unavailable", times: 2 });
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({ id: "f_1", operation: "send", hits: 0, active: true });
    for (let i = 0; i < 2; i++) {
      const failed = await api.send({ email: "a@example.com" });
      expect(failed.status).toBe(503);
      const body = gatewayErrorBody.parse(failed.body);
      expect(body).toMatchObject({ code: 14, details: [{ error_code: "UNAVAILABLE" }] });
      expect(body.message).toContain('fault "f_1"');
    }
    expect((await api.send({ email: "a@example.com" })).status).toBe(200);
    expect((await listFaults()).faults[0]).toMatchObject({ hits: 2, matches: 2, active: false });
    expect(mock.inbox.list()).toHaveLength(1);
  });

  it("takes HTTP status and gRPC code separately, with a custom error code and message", async () => {
    await addFault({ operation: "verify", error: { status: 418, grpcCode: "FAILED_PRECONDITION", code: "TEAPOT", message: "short and stout" } });
    const result = await api.verify({ code: "123456", auth_request_id: "x" });
    expect(result.status).toBe(418);
    expect(result.body).toEqual({ code: 9, message: "short and stout", details: [{ "@type": expect.any(String), error_code: "TEAPOT" }] });
  });

  it("maps a bare HTTP status to a gRPC code", async () => {
    await addFault({ operation: "*", error: { status: 502 } });
    expect((await api.send({ email: "a@example.com" })).body.code).toBe(14);
  });

  it("D30: rate-limits with 429, ResourceExhausted, RATE_LIMITED and retry-after", async () => {
    await addFault({ operation: "send", rateLimit: { retryAfter: 7 } });
    const result = await api.send({ email: "a@example.com" });
    expect(result.status).toBe(429);
    expect(result.headers.get("retry-after")).toBe("7");
    expect(result.body).toMatchObject({ code: 8, details: [{ error_code: "RATE_LIMITED" }] });
  });

  it("matches the email exactly or by glob, and the transport", async () => {
    await addFault({ operation: "send", match: { email: "*@blocked.test" }, error: "PermissionDenied" });
    await addFault({ operation: "send", match: { email: "Only@Example.com", transport: "grpc" }, error: "Internal" });
    expect((await api.send({ email: "x@blocked.test" })).status).toBe(403);
    expect((await api.send({ email: "x@allowed.test" })).status).toBe(200);
    expect((await api.send({ email: "only@example.com" })).status).toBe(200);
  });

  it("lets the first `after` matches through", async () => {
    await addFault({ operation: "send", error: "Unavailable", after: 2, times: 1 });
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await api.send({ email: `n${i}@example.com` })).status);
    expect(statuses).toEqual([200, 200, 503, 200]);
  });

  it("fails token and keys calls too", async () => {
    await addFault({ operation: "token", error: "Unavailable", times: 1 });
    await addFault({ operation: "keys", error: "Internal", times: 1 });
    await expect(fetchToken(mock.url, mock.clientId, mock.clientSecret)).rejects.toThrow(/HTTP 503/);
    expect(await fetchToken(mock.url, mock.clientId, mock.clientSecret)).toMatch(/^eyJ/);
    expect((await fetch(`${mock.url}/keys`)).status).toBe(500);
    expect((await fetch(`${mock.url}/keys`)).status).toBe(200);
  });
});

describe("latency and dropped connections", () => {
  it("delays one call by real time without holding up others", async () => {
    await addFault({ operation: "send", match: { email: "slow@example.com" }, delayMs: 400 });
    const started = performance.now();
    const slow = api.send({ email: "slow@example.com" }).then(() => performance.now() - started);
    const fast = api.send({ email: "fast@example.com" }).then(() => performance.now() - started);
    const [slowMs, fastMs] = await Promise.all([slow, fast]);
    expect(slowMs).toBeGreaterThanOrEqual(390);
    expect(fastMs).toBeLessThan(300);
  });

  it("drops an HTTP/1.1 connection", async () => {
    await addFault({ operation: "send", drop: true, times: 1 });
    await expect(api.send({ email: "a@example.com" })).rejects.toThrow();
    expect((await api.send({ email: "a@example.com" })).status).toBe(200);
    expect(mock.requests({ operation: "send" }).map((r) => r.outcome)).toEqual(["ok", "CONNECTION_DROPPED"]);
  });

  it("resets an HTTP/2 stream", async () => {
    await addFault({ operation: "send", drop: true, times: 1 });
    const session = http2Connect(mock.url);
    const code = await new Promise<number>((resolve) => {
      const stream = session.request({ ":method": "POST", ":path": "/api/v1/passwordless/email/send", "content-type": "application/json", authorization: `Bearer ${api.token}` });
      stream.on("close", () => resolve(stream.rstCode ?? -1));
      stream.on("error", () => undefined);
      stream.resume();
      stream.end(JSON.stringify({ email: "h2@example.com" }));
    });
    session.close();
    expect(code).toBe(7); // REFUSED_STREAM
  });
});

describe("mail faults", () => {
  it("loses the email while the call succeeds", async () => {
    await addFault({ operation: "send", mail: "drop", times: 1 });
    const sent = await api.send({ email: "lost@example.com" });
    expect(sent.status).toBe(200);
    expect(mock.inbox.list()).toEqual([]);
    await api.resend({ auth_request_id: sent.body.auth_request_id });
    expect((await mock.inbox.waitForOtp("lost@example.com", { timeout: 1000 })).authRequestId).toBe(sent.body.auth_request_id);
  });

  it("is not used up by a send or resend that fails: the rule waits for an email to lose", async () => {
    const { body: rule } = await addFault({ operation: "*", mail: "drop", times: 1 });
    expect((await api.send({ email: "kept@example.com", expires_in: 5 })).status).toBe(400);
    expect((await api.resend({ auth_request_id: "ar_unknown" })).status).toBe(404);
    expect(mock.faults.list().find((r) => r.id === rule.id)).toMatchObject({ hits: 0 });
    expect((await api.send({ email: "kept@example.com" })).status).toBe(200);
    expect(mock.inbox.list({ to: "kept@example.com" })).toEqual([]);
    expect(mock.faults.list().find((r) => r.id === rule.id)).toMatchObject({ hits: 1 });
    const [journaled] = (await (await fetch(`${mock.url}/_mock/v1/requests?operation=send&limit=1`)).json()).requests;
    expect(journaled).toMatchObject({ outcome: "ok", mail_fault_id: rule.id });
    expect(journaled.fault_id).toBeUndefined();
    expect((await api.send({ email: "kept@example.com" })).status).toBe(200);
    expect(mock.inbox.list({ to: "kept@example.com" })).toHaveLength(1);
  });

  it("delivers the email late, and waiters wake when it lands", async () => {
    await addFault({ operation: "send", mail: "delay", delayMs: 300 });
    const started = performance.now();
    expect((await api.send({ email: "late@example.com" })).status).toBe(200);
    expect(performance.now() - started).toBeLessThan(250);
    expect(mock.inbox.list()).toEqual([]);
    await mock.inbox.waitForOtp("late@example.com", { timeout: 2000 });
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
  });
});

describe("probability", () => {
  it("hits the same calls for the same seed, some but not all", async () => {
    const pattern = async (seed: string) => {
      const other = await createMockScalekit({ seed });
      const session = await restSession(other);
      other.faults.add({ operation: "send", error: "Unavailable", probability: 0.5 });
      const statuses: number[] = [];
      for (let i = 0; i < 24; i++) statuses.push((await session.send({ email: `p${i}@example.com` })).status);
      await other.close();
      return statuses.join(",");
    };
    const a = await pattern("p-seed");
    expect(await pattern("p-seed")).toBe(a);
    expect(a).toContain("503");
    expect(a).toContain("200");
    expect(await pattern("another-seed")).not.toBe(a);
  });
});

describe("managing rules", () => {
  it("lists hits, deletes one rule or all", async () => {
    await addFault({ operation: "send", error: "Unavailable", id: "mine" });
    await addFault([
      { operation: "verify", delayMs: 1 },
      { operation: "resend", delayMs: 1 },
    ]);
    expect((await listFaults()).faults.map((f) => f.id)).toEqual(["mine", "f_1", "f_2"]);
    expect((await fetch(`${mock.url}/_mock/v1/faults/mine`, { method: "DELETE" })).status).toBe(200);
    expect((await fetch(`${mock.url}/_mock/v1/faults/mine`, { method: "DELETE" })).status).toBe(404);
    expect(await fetch(`${mock.url}/_mock/v1/faults`, { method: "DELETE" }).then((r) => r.json())).toEqual({ deleted: 2 });
    expect((await addFault({ operation: "send", delayMs: 1, id: "dup" })).status).toBe(201);
    expect((await addFault({ operation: "send", delayMs: 1, id: "dup" })).status).toBe(409);
  });

  it("holds at most faultLimit rules: past it a batch answers 400 and adds nothing, over HTTP and in-process", async () => {
    const rule = { operation: "send", delayMs: 1 };
    const tooMany = await addFault(Array.from({ length: 1_001 }, () => rule));
    expect(tooMany.status).toBe(400);
    expect(controlErrorBody.parse(tooMany.body).error).toMatchObject({ code: "LIMIT", message: expect.stringContaining("at most 1000 fault rules (setting faultLimit)") });
    expect((await listFaults()).faults).toEqual([]);
    mock.settings.update({ faultLimit: 3 });
    expect((await addFault([rule, rule])).status).toBe(201);
    expect((await addFault([rule, rule])).status).toBe(400);
    expect(() => mock.faults.add(rule as FaultRuleInput)).not.toThrow();
    expect(() => mock.faults.add(rule as FaultRuleInput)).toThrow(/at most 3 fault rules/);
    expect((await listFaults()).faults.map((f) => f.id)).toEqual(["f_1", "f_2", "f_3"]);
  });

  it("refuses rule ids a URL would not carry as written, over HTTP and in-process", async () => {
    for (const id of [".", "..", "%2e%2e", "a/b", "has space", "ünï", "-flag"]) {
      const refused = await addFault({ id, operation: "send", delayMs: 1 });
      expect(refused.status, id).toBe(400);
      expect(controlErrorBody.parse(refused.body).error.message, id).toContain("starting with a letter or digit");
      expect(() => mock.faults.add({ id, operation: "send", delayMs: 1 }), id).toThrow(/starting with a letter or digit/);
    }
    expect((await listFaults()).faults).toEqual([]);
  });

  it.each([
    [{ operation: "sned", error: "Unavailable" }, "operation"],
    [{ operation: "send" }, "error"],
    [{ operation: "send", error: "Nope" }, "error"],
    [{ operation: "send", error: { code: "X" } }, "error"],
    [{ operation: "send", error: "Unavailable", drop: true }, "drop"],
    [{ operation: "verify", mail: "drop" }, "mail"],
    [{ operation: "token", match: { email: "a@b.c" }, delayMs: 5 }, "match.email"],
    [{ operation: "send", delayMs: -1 }, "delayMs"],
    [{ operation: "send", delayMs: 5, probability: 2 }, "probability"],
    [{ operation: "send", delayMs: 5, times: 0 }, "times"],
    [{ operation: "send", delayMs: 5, colour: "red" }, "colour"],
  ])("refuses %j naming %s", async (rule, field) => {
    const result = await addFault(rule);
    expect(result.status).toBe(400);
    const body = controlErrorBody.parse(result.body);
    expect(body.error.message).toContain(field);
    expect((await listFaults()).faults).toEqual([]);
  });
});

describe("the SDK's retries meet fault rules", () => {
  let scalekit: ScalekitClient;
  beforeAll(async () => {
    scalekit = new ScalekitClient(mock.url, mock.clientId, mock.clientSecret);
    // Fetch the SDK's token now, so the journal below shows only the retries under test.
    await scalekit.passwordless.sendPasswordlessEmail("warm-up@example.com");
  });

  it("retries Unavailable: two failures, then success, three attempts in the journal", async () => {
    mock.faults.add({ operation: "send", error: "Unavailable", times: 2, match: { transport: "grpc" } });
    const sent = await scalekit.passwordless.sendPasswordlessEmail("retry@example.com");
    expect(sent.authRequestId).toHaveLength(50);
    const attempts = mock.requests({ operation: "send", transport: "grpc" });
    expect(attempts.map((a) => a.outcome)).toEqual(["ok", "UNAVAILABLE", "UNAVAILABLE"]);
    expect(attempts.map((a) => a.email)).toEqual(["retry@example.com", "retry@example.com", "retry@example.com"]);
    expect(mock.inbox.list({ to: "retry@example.com" })).toHaveLength(1);
  }, 15_000);

  it("does not retry ResourceExhausted", async () => {
    mock.faults.add({ operation: "send", rateLimit: { retryAfter: 3 } });
    const error = await scalekit.passwordless.sendPasswordlessEmail("limited@example.com").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ScalekitTooManyRequestsException);
    expect((error as ScalekitTooManyRequestsException).errorCode).toBe("RATE_LIMITED");
    expect(mock.requests({ operation: "send" })).toHaveLength(1);
  });

  it("gives up on Unavailable after its retries", async () => {
    mock.faults.add({ operation: "verify", error: "Unavailable" });
    const error = await scalekit.passwordless.verifyPasswordlessEmail({ code: "123456" }, "x").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ScalekitServiceUnavailableException);
    expect(mock.requests({ operation: "verify" }).length).toBeGreaterThan(1);
  }, 20_000);

  it("D29: surfaces a dropped HTTP/2 stream as an internal error, without retrying", async () => {
    mock.faults.add({ operation: "send", drop: true, times: 1 });
    const error = await scalekit.passwordless.sendPasswordlessEmail("dropped@example.com").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ScalekitInternalServerException);
    expect((error as Error).message).toContain("REFUSED_STREAM");
    expect(mock.requests({ operation: "send" }).map((r) => r.outcome)).toEqual(["CONNECTION_DROPPED"]);
    expect((await scalekit.passwordless.sendPasswordlessEmail("dropped@example.com")).expiresIn).toBe(300);
  });
});

describe("SMTP relay", () => {
  it("keeps capturing when the SMTP server is unreachable, and logs no secret", async () => {
    const errors: string[] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => void errors.push(args.map(String).join(" "));
    try {
      const relayed = await createMockScalekit({ smtpRelay: "smtp://user:hunter2@127.0.0.1:9" });
      const session = await restSession(relayed);
      expect((await session.send({ email: "relay@example.com" })).status).toBe(200);
      expect(relayed.inbox.list()).toHaveLength(1);
      await relayed.close();
      expect(errors.join("\n")).toContain("127.0.0.1:9");
      expect(errors.join("\n")).not.toContain("hunter2");
    } finally {
      console.error = original;
    }
  });
});
