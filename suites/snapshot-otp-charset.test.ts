import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createMockScalekit, type MockScalekit } from "../mock-server/src/index.js";
import { restSession } from "./support/rest.js";

/** Auth requests with alphanumeric codes survive a snapshot, charset included. */

let mock: MockScalekit;

beforeAll(async () => {
  mock = await createMockScalekit({ seed: "snapshot-otp-charset" });
});
afterAll(() => mock.close());
beforeEach(() => mock.reset());

const putText = (text: string) =>
  fetch(`${mock.url}/_mock/v1/snapshot`, { method: "PUT", headers: { "content-type": "application/json" }, body: text }).then((r) => ({ status: r.status }));

describe("snapshot of alphanumeric codes", () => {
  it("D46: round-trips an auth request with an alphanumeric code byte for byte, and its resends keep the charset after the setting changed", async () => {
    mock.clock.freeze();
    mock.settings.update({ otpCharset: "ALPHANUMERIC", otpLength: 8, newCredentialsOnResend: true });
    const api = await restSession(mock);
    const sent = await api.send({ email: "alnum@example.com" });
    const get = () => fetch(`${mock.url}/_mock/v1/snapshot`).then((r) => r.text());
    const exported = await get();
    expect(JSON.parse(exported).state.authRequests[0]).toMatchObject({ otpCharset: "ALPHANUMERIC", credentials: { code: expect.stringMatching(/^[A-Z0-9]{8}$/) } });
    mock.reset();
    expect((await putText(exported)).status).toBe(200);
    expect(await get()).toBe(exported);
    mock.settings.update({ otpCharset: "NUMERIC", otpLength: 4 });
    expect((await api.resend({ auth_request_id: sent.body.auth_request_id })).status).toBe(200);
    expect(mock.inbox.latest({ to: "alnum@example.com" })!.otp).toMatch(/^[A-Z0-9]{8}$/);
  });
});
