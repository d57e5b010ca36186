import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createMockScalekit, type MockScalekit } from "../mock-server/src/index.js";
import { restSession } from "./support/rest.js";

let mock: MockScalekit;
beforeAll(async () => {
  mock = await createMockScalekit({ settings: { emailLimit: 3, authRequestLimit: 2, journalLimit: 4, passwordlessType: "LINK_OTP" } });
});
afterAll(() => mock.close());

describe("retention", () => {
  it("D34: keeps the newest emails, auth requests and journal entries up to their limits", async () => {
    const api = await restSession(mock);
    const sent = [];
    for (let i = 0; i < 5; i++) sent.push((await api.send({ email: `r${i}@example.com`, magiclink_auth_uri: "https://app.test/cb" })).body);
    expect(mock.inbox.list().map((e) => e.to)).toEqual(["r4@example.com", "r3@example.com", "r2@example.com"]);
    expect(mock.inbox.list()[0]!.seq).toBe(5);
    expect(mock.requests()).toHaveLength(4);
    const evicted = sent[2];
    const evictedEmail = await fetch(`${mock.url}/_mock/v1/auth-requests/${evicted.auth_request_id}`);
    expect(evictedEmail.status).toBe(404);
    const oldLink = mock.inbox.latest({ to: "r2@example.com" })!.linkToken!;
    expect((await api.verify({ link_token: oldLink })).body.details[0].error_code).toBe("LINK_TOKEN_INVALID");
    const kept = mock.inbox.latest({ to: "r4@example.com" })!;
    expect((await api.verify({ code: kept.otp, auth_request_id: sent[4].auth_request_id })).status).toBe(200);
  });
});

describe("lowering a retention limit", () => {
  let lowered: MockScalekit;
  beforeEach(async () => {
    lowered = await createMockScalekit({ seed: "lowering", settings: { passwordlessType: "LINK_OTP" } });
    lowered.clock.freeze();
    const api = await restSession(lowered);
    for (let i = 0; i < 3; i++) await api.send({ email: `l${i}@example.com`, magiclink_auth_uri: "https://app.test/cb" });
    lowered.faults.add({ operation: "verify", error: "Internal", match: { email: "nobody@example.com" } });
    lowered.faults.add({ operation: "resend", error: "Internal", match: { email: "nobody@example.com" } });
  });
  afterEach(() => lowered.close());

  const control = (method: string, path: string, body?: unknown) =>
    fetch(`${lowered.url}/_mock/v1${path}`, {
      method,
      ...(body !== undefined && { headers: { "content-type": "application/json" }, body: typeof body === "string" ? body : JSON.stringify(body) }),
    }).then(async (r) => ({ status: r.status, body: (await r.json()) as any }));

  it.each([
    ["over HTTP", (patch: object) => control("PUT", "/settings", patch).then((r) => expect(r.status).toBe(200))],
    ["in-process", async (patch: object) => void lowered.settings.update(patch)],
  ])("drops the oldest emails, auth requests (and their links) and journal entries at once, %s, and the export re-imports", async (_how, update) => {
    const oldLink = lowered.inbox.latest({ to: "l0@example.com" })!.linkToken!;
    await update({ emailLimit: 1, authRequestLimit: 1, journalLimit: 1 });
    expect(lowered.inbox.list().map((e) => e.to)).toEqual(["l2@example.com"]);
    expect((await control("GET", "/auth-requests")).body.auth_requests.map((r: { email: string }) => r.email)).toEqual(["l2@example.com"]);
    expect(lowered.requests()).toHaveLength(1);
    const exported = await fetch(`${lowered.url}/_mock/v1/snapshot`).then((r) => r.text());
    const snapshot = JSON.parse(exported);
    expect([snapshot.state.inbox.emails.length, snapshot.state.authRequests.length, snapshot.state.faults.length]).toEqual([1, 1, 2]);
    expect((await control("PUT", "/snapshot", exported)).status).toBe(200);
    expect(await fetch(`${lowered.url}/_mock/v1/snapshot`).then((r) => r.text())).toBe(exported);
    // The dropped request's link no longer leads to it.
    const api = await restSession(lowered);
    expect((await api.verify({ link_token: oldLink })).body.details[0].error_code).toBe("LINK_TOKEN_INVALID");
  });

  it("refuses a faultLimit below the fault rules held, over HTTP and in-process, changing nothing", async () => {
    const before = JSON.stringify(lowered.snapshot());
    const journal = lowered.requests().length;
    const refused = await control("PUT", "/settings", { emailLimit: 1, authRequestLimit: 1, faultLimit: 1 });
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatchObject({ code: "INVALID_ARGUMENT", details: [{ field: "faultLimit" }] });
    expect(refused.body.error.message).toContain("faultLimit: 1 is below the 2 fault rules this environment holds; delete some first");
    expect(() => lowered.settings.update({ emailLimit: 1, faultLimit: 1 })).toThrow("delete some first");
    expect(JSON.stringify(lowered.snapshot())).toBe(before);
    expect([lowered.inbox.list().length, lowered.requests().length, lowered.settings.get().emailLimit]).toEqual([3, journal, 10_000]);
    lowered.faults.remove(lowered.faults.list()[0]!.id);
    expect(lowered.settings.update({ faultLimit: 1 }).faultLimit).toBe(1);
    expect((await control("PUT", "/snapshot", JSON.stringify(lowered.snapshot()))).status).toBe(200);
  });
});
