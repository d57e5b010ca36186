import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { checkAgainstSdk, checkGenerated, defaultProtoDir } from "./check.js";

const altered = join(fileURLToPath(new URL(".", import.meta.url)), "fixtures", "altered");

describe("contracts drift check", () => {
  it("D26: finds no difference between our proto and the installed SDK's descriptor", () => {
    expect(checkAgainstSdk(defaultProtoDir()).differences).toEqual([]);
  });

  it("finds the generated code up to date", async () => {
    expect(await checkGenerated(defaultProtoDir())).toEqual([]);
  });

  it("reports each deliberate change in an altered copy, readably", () => {
    expect(checkAgainstSdk(altered).differences).toEqual([
      "scalekit/v1/auth/passwordless.proto: SendPasswordlessRequest.expires_in: number 7 in ours, 5 in SDK",
      "scalekit/v1/auth/passwordless.proto: ResendPasswordlessRequest.auth_request_id: type int64 in ours, string in SDK",
      "scalekit/v1/auth/passwordless.proto: PasswordlessType.SMS: only in ours, not in SDK",
      "scalekit/v1/errdetails/errdetails.proto: missing in ours",
    ]);
  });
});
