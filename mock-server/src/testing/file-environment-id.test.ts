import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CHOSEN_ID_PATTERN } from "../domain/ids.js";
import { fileEnvironmentId } from "./file-environment-id.js";

describe("fileEnvironmentId", () => {
  it("names the environment after the file, without extension", () => {
    expect(fileEnvironmentId("/repo/suites/testing-helper.test.ts")).toBe("testing-helper-test");
    expect(fileEnvironmentId("C:\\repo\\login.spec.mjs", 3)).toBe("login-spec-3");
  });

  it("starts the id with a letter or digit when the file name does not", () => {
    expect(fileEnvironmentId("/repo/_shared.test.ts")).toBe("shared-test");
    expect(fileEnvironmentId("/repo/[id].test.ts")).toBe("id-test");
    expect(fileEnvironmentId("/repo/...test.ts")).toBe("test");
    expect(fileEnvironmentId("/repo/.ts")).toBe("test-file");
    expect(fileEnvironmentId(undefined)).toBe("test-file");
  });

  it("gives a valid environment id for any file name and count", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 200 }), fc.integer({ min: 1, max: 9_999_999 }), (name, n) => {
        expect(fileEnvironmentId(`/repo/${name}.test.ts`, n)).toMatch(CHOSEN_ID_PATTERN);
      }),
    );
  });
});
