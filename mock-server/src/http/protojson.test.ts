import { describe, expect, it } from "vitest";
import { ScalekitError } from "../domain/errors.js";
import { SEND_REQUEST } from "../domain/messages.js";
import { decodeMessage } from "./protojson.js";

const FIELDS = SEND_REQUEST.filter((field) => field.name === "email");
const nested = (depth: number) => "[".repeat(depth) + "]".repeat(depth);

describe("decoding a REST body", () => {
  it("D15: ignores fields the message does not have, and names them", () => {
    expect(decodeMessage({ email: "a@example.com", emial: "typo", other: 1 }, FIELDS)).toEqual({
      fields: { email: "a@example.com" },
      ignored: ["emial", "other"],
    });
  });

  it("D17: refuses a body nested deeper than 10,000 levels, even in a field it would ignore", () => {
    // The body object itself is one level.
    const within = JSON.parse(`{"email": "a@example.com", "unknown": ${nested(9_999)}}`);
    expect(decodeMessage(within, FIELDS).ignored).toEqual(["unknown"]);
    const deeper = JSON.parse(`{"email": "a@example.com", "unknown": ${nested(10_000)}}`);
    expect(() => decodeMessage(deeper, FIELDS)).toThrow(ScalekitError);
    expect(() => decodeMessage(deeper, FIELDS)).toThrow(/deeper than 10000 levels/);
  });
});
