import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMockScalekit, type MockScalekit } from "../mock-server/src/index.js";
import { restSession } from "./support/rest.js";

let mock: MockScalekit;
beforeAll(async () => {
  mock = await createMockScalekit({ settings: { emailLimit: 3, authRequestLimit: 2, journalLimit: 4, passwordlessType: "LINK_OTP" } });
});
afterAll(() => mock.close());

describe("retention", () => {
  it("keeps the newest emails, auth requests and journal entries up to their limits", async () => {
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
