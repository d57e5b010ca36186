import { ScalekitClient } from "@scalekit-sdk/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMockScalekit, type MockScalekit } from "../mock-server/src/index.js";
import { restSession } from "./support/rest.js";

/** Races that real test suites create. (1000 sends across 100 environments: environments.test.ts.) */

let mock: MockScalekit;
beforeAll(async () => {
  mock = await createMockScalekit({ seed: "concurrency" });
});
afterAll(() => mock.close());

describe("concurrency", () => {
  it("lets exactly one of two concurrent verifies of the same code succeed, over REST and gRPC", async () => {
    const api = await restSession(mock);
    const sdk = new ScalekitClient(mock.url, mock.clientId, mock.clientSecret);
    for (let round = 0; round < 20; round++) {
      const email = `race${round}@example.com`;
      const sent = (await api.send({ email })).body;
      const { code } = await mock.inbox.waitForOtp(email);
      const outcomes = await Promise.all([
        api.verify({ code, auth_request_id: sent.auth_request_id }).then((r) => r.status === 200),
        api.verify({ code, auth_request_id: sent.auth_request_id }).then((r) => r.status === 200),
        sdk.passwordless.verifyPasswordlessEmail({ code }, sent.auth_request_id).then(
          () => true,
          () => false,
        ),
      ]);
      expect(outcomes.filter(Boolean)).toHaveLength(1);
    }
  });

  it("wakes 500 concurrent long-polls and 500 in-process OTP waiters with one email each", async () => {
    const api = await restSession(mock);
    const polls = Array.from({ length: 500 }, (_, i) =>
      fetch(`${mock.url}/_mock/v1/emails/latest?to=wait${i % 50}@example.com&wait=20s`).then((r) => r.json() as Promise<{ to: string }>),
    );
    const waiters = Array.from({ length: 500 }, (_, i) => mock.inbox.waitForOtp(`wait${i % 50}@example.com`, { timeout: 20_000 }));
    await new Promise((resolve) => setTimeout(resolve, 200));
    const started = performance.now();
    await Promise.all(Array.from({ length: 50 }, (_, i) => api.send({ email: `wait${i}@example.com` })));
    const [polled, waited] = await Promise.all([Promise.all(polls), Promise.all(waiters)]);
    expect(polled.map((e, i) => e.to === `wait${i % 50}@example.com`).every(Boolean)).toBe(true);
    expect(waited.every((w, i) => w.email.to === `wait${i % 50}@example.com`)).toBe(true);
    expect(performance.now() - started).toBeLessThan(10_000);
  });

  it("delivers an event to 500 concurrent event streams", async () => {
    const controllers = Array.from({ length: 500 }, () => new AbortController());
    const streams = await Promise.all(controllers.map((c) => fetch(`${mock.url}/_mock/v1/events`, { signal: c.signal })));
    const readers = streams.map((s) => s.body!.getReader());
    await Promise.all(readers.map((r) => r.read())); // the opening comment
    const got = readers.map(async (reader) => {
      let text = "";
      while (!text.includes("event: email.captured")) {
        const { value, done } = await reader.read();
        if (done) break;
        text += new TextDecoder().decode(value);
      }
      return text.includes("event: email.captured");
    });
    await (await restSession(mock)).send({ email: "stream@example.com" });
    expect((await Promise.all(got)).every(Boolean)).toBe(true);
    for (const c of controllers) c.abort();
  });
});
