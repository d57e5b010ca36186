import { describe, expect, it } from "vitest";
import { useMockScalekit } from "../mock-server/src/testing/index.js";
import { restSession } from "./support/rest.js";

describe("useMockScalekit", () => {
  const mock = useMockScalekit({ seed: "helper", settings: { otpLength: 8 } });

  it("starts a mock for the file with the given options", async () => {
    const api = await restSession(mock);
    await api.send({ email: "h@example.com" });
    expect((await mock.inbox.waitForOtp("h@example.com")).code).toMatch(/^\d{8}$/);
    mock.settings.update({ otpLength: 4 });
  });

  it("resets mail and settings before each test", () => {
    expect(mock.inbox.list()).toEqual([]);
    expect(mock.settings.get().otpLength).toBe(8);
  });
});
