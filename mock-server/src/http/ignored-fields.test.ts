import { describe, expect, it } from "vitest";
import { ignoredFieldsHeader } from "./ignored-fields.js";

describe("the ignored-fields header", () => {
  it("names a plain unknown field as it was sent", () => {
    expect(ignoredFieldsHeader(["magicLinkUri"])).toBe("magicLinkUri");
  });
});
