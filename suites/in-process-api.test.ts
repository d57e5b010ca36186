import { describe, expect, it } from "vitest";
import { createMockScalekit } from "../mock-server/src/index.js";

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
});
