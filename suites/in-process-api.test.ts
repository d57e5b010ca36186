import { describe, expect, it } from "vitest";
import { createMockScalekit } from "../mock-server/src/index.js";
import { restSession } from "./support/rest.js";

describe("the in-process API", () => {
  it("refuses a settings update that is not an object of fields, through the public API, changing nothing", async () => {
    const mock = await createMockScalekit();
    try {
      const before = mock.settings.get();
      for (const patch of [null, [], "otpLength"]) {
        expect(() => mock.settings.update(patch as never)).toThrow(new TypeError("settings must be a JSON object of the fields to change"));
      }
      expect(mock.settings.get()).toEqual(before);
    } finally {
      await mock.close();
    }
  });

  it("D57: gives copies of the settings, so changing one leaves the environment and its captured emails as they were", async () => {
    const mock = await createMockScalekit();
    try {
      const api = await restSession(mock);
      await api.send({ email: "kept@example.com" });
      const subject = mock.inbox.latest()!.subject;
      const got = mock.settings.get();
      got.appName = "Changed";
      const updated = mock.settings.update({ userName: "Ana" });
      updated.appName = "Changed too";
      mock.snapshot().state.settings.appName = "Changed in a snapshot";
      expect(mock.inbox.latest()!.subject).toBe(subject);
      expect(subject).toContain("Scalekit Mock");
      expect(mock.settings.get().appName).toBe("Scalekit Mock");
    } finally {
      await mock.close();
    }
  });
});
