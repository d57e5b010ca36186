import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as newest from "@scalekit-sdk/node";
import * as oldest from "scalekit-sdk-node-oldest";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { verifiedSdkVersions } from "../mock-server/src/contract/verified.js";
import { createMockScalekit, type MockScalekit } from "../mock-server/src/index.js";
import { ROOT } from "./support/cli.js";

/**
 * The real Node SDK, oldest supported 2.x (protobuf-es v1, connect-es v1)
 * and newest, against the mock: the versions `scalekit-mock --version`
 * says this release was verified with. Both have the same passwordless API
 * (client constructor, method names, argument shapes and exception classes).
 */

/** The part of the SDK these tests use; both versions' modules must fit it. */
interface PasswordlessSdk {
  ScalekitClient: new (
    envUrl: string,
    clientId: string,
    clientSecret: string,
  ) => {
    passwordless: {
      sendPasswordlessEmail(email: string, options?: { state?: string; magiclinkAuthUri?: string }): Promise<{ authRequestId: string; expiresIn: number; passwordlessType: number }>;
      resendPasswordlessEmail(authRequestId: string): Promise<{ authRequestId: string }>;
      verifyPasswordlessEmail(credential: { code?: string; linkToken?: string }, authRequestId?: string): Promise<{ email: string; state?: string; passwordlessType: number }>;
    };
  };
  ScalekitServerException: abstract new (...args: never[]) => Error;
  ScalekitBadRequestException: abstract new (...args: never[]) => Error;
}

const versionOf = (pkg: string) => (JSON.parse(readFileSync(join(ROOT, "node_modules", pkg, "package.json"), "utf8")) as { version: string }).version;

const SDKS: [string, PasswordlessSdk][] = [
  [versionOf("scalekit-sdk-node-oldest"), oldest],
  [versionOf("@scalekit-sdk/node"), newest],
];

it("runs the SDK versions that --version names as verified", () => {
  expect(SDKS.map(([version]) => version)).toEqual(verifiedSdkVersions());
  expect(oldest.ScalekitClient).not.toBe(newest.ScalekitClient);
});

describe.each(SDKS)("@scalekit-sdk/node %s against the mock", (_version, sdk) => {
  let mock: MockScalekit;
  let scalekit: InstanceType<PasswordlessSdk["ScalekitClient"]>;

  beforeAll(async () => {
    mock = await createMockScalekit({ seed: "sdk-versions" });
    scalekit = new sdk.ScalekitClient(mock.url, mock.clientId, mock.clientSecret);
  });
  afterAll(() => mock.close());
  beforeEach(() => mock.reset());

  it("sends an OTP email and verifies the code read from the mock's inbox", async () => {
    const sent = await scalekit.passwordless.sendPasswordlessEmail("ana@example.com", { state: "st-1" });
    expect(sent.authRequestId).toHaveLength(50);
    expect(sent.expiresIn).toBe(300);
    const { code, authRequestId } = await mock.inbox.waitForOtp("ana@example.com");
    expect(authRequestId).toBe(sent.authRequestId);
    const verified = await scalekit.passwordless.verifyPasswordlessEmail({ code }, sent.authRequestId);
    expect({ email: verified.email, state: verified.state, passwordlessType: verified.passwordlessType }).toEqual({ email: "ana@example.com", state: "st-1", passwordlessType: 1 });
  });

  it("resends to the same auth request, and the resent code verifies", async () => {
    const sent = await scalekit.passwordless.sendPasswordlessEmail("bo@example.com");
    const resent = await scalekit.passwordless.resendPasswordlessEmail(sent.authRequestId);
    expect(resent.authRequestId).toBe(sent.authRequestId);
    expect(mock.inbox.list({ to: "bo@example.com" })).toHaveLength(2);
    const { code } = await mock.inbox.waitForOtp("bo@example.com");
    expect((await scalekit.passwordless.verifyPasswordlessEmail({ code }, sent.authRequestId)).email).toBe("bo@example.com");
  });

  it("raises ScalekitBadRequestException with OTP_INVALID for a wrong code", async () => {
    const sent = await scalekit.passwordless.sendPasswordlessEmail("cy@example.com");
    const { code } = await mock.inbox.waitForOtp("cy@example.com");
    const wrong = code === "000000" ? "111111" : "000000";
    const error = await scalekit.passwordless.verifyPasswordlessEmail({ code: wrong }, sent.authRequestId).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(sdk.ScalekitBadRequestException);
    expect(error).toBeInstanceOf(sdk.ScalekitServerException);
    expect((error as { errorCode: string | null }).errorCode).toBe("OTP_INVALID");
  });

  it("verifies a magic link token read from the mock's inbox", async () => {
    mock.settings.update({ passwordlessType: "LINK" });
    const sent = await scalekit.passwordless.sendPasswordlessEmail("di@example.com", { magiclinkAuthUri: "https://app.test/callback", state: "st-2" });
    expect(sent.passwordlessType).toBe(2);
    const { linkToken, link } = await mock.inbox.waitForLink("di@example.com");
    expect(link.startsWith("https://app.test/callback?")).toBe(true);
    const verified = await scalekit.passwordless.verifyPasswordlessEmail({ linkToken });
    expect({ email: verified.email, state: verified.state, passwordlessType: verified.passwordlessType }).toEqual({ email: "di@example.com", state: "st-2", passwordlessType: 2 });
  });
});
