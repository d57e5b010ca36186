import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createMockScalekit, type MockScalekit } from "../mock-server/src/index.js";
import { restDriver, sdkDriver, type Driver, type Failure, type Outcome } from "./support/drivers.js";

/**
 * Every scenario runs over REST (fetch) and over the official SDK (gRPC);
 * both must reach the same outcome, down to the error code and message.
 */

let mock: MockScalekit;
const drivers: Record<"rest" | "sdk", Driver> = {} as Record<"rest" | "sdk", Driver>;

beforeAll(async () => {
  mock = await createMockScalekit({ seed: "parity" });
  drivers.rest = await restDriver(mock);
  drivers.sdk = sdkDriver(mock);
});
afterAll(() => mock.close());
beforeEach(() => {
  mock.reset();
  mock.clock.freeze();
  mock.clock.set("2026-11-28T12:00:00Z");
});

function expectFailure(outcome: Outcome<unknown>, grpcCode: number, errorCode: string): Failure {
  expect(outcome.ok, JSON.stringify(outcome)).toBe(false);
  const { error } = outcome as { ok: false; error: Failure };
  expect([error.grpcCode, error.errorCode]).toEqual([grpcCode, errorCode]);
  return error;
}

function value<T>(outcome: Outcome<T>): T {
  if (!outcome.ok) throw new Error(`expected success, got ${JSON.stringify(outcome.error)}`);
  return outcome.value;
}

type Scenario = (driver: Driver) => Promise<unknown>;

/** Runs a scenario on each transport from the same starting state; returns both results. */
async function onBoth(scenario: Scenario): Promise<{ rest: unknown; sdk: unknown }> {
  const results: Record<string, unknown> = {};
  for (const transport of ["rest", "sdk"] as const) {
    mock.reset();
    mock.clock.freeze();
    mock.clock.set("2026-11-28T12:00:00Z");
    results[transport] = await scenario(drivers[transport]);
  }
  return results as { rest: unknown; sdk: unknown };
}

const otp = (email: string) => mock.inbox.waitForOtp(email, { timeout: 2000 });

describe("REST and SDK reach the same outcome", () => {
  it("send then verify the OTP", async () => {
    const { rest, sdk } = await onBoth(async (d) => {
      const sent = value(await d.send("ana@example.com", { state: "st", template: "SIGNUP", expiresIn: 120 }));
      const verified = value(await d.verify({ code: (await otp("ana@example.com")).code }, sent.authRequestId));
      return { sent, verified };
    });
    expect(sdk).toEqual(rest);
    expect(rest).toMatchObject({
      sent: { expiresIn: 120, expiresAt: Date.parse("2026-11-28T12:02:00Z") / 1000, passwordlessType: "OTP" },
      verified: { email: "ana@example.com", state: "st", template: "SIGNUP", passwordlessType: "OTP" },
    });
  });

  it("resend with the same code, then verify", async () => {
    const { rest, sdk } = await onBoth(async (d) => {
      const sent = value(await d.send("re@example.com"));
      const first = await otp("re@example.com");
      mock.clock.advance("1m");
      const resent = value(await d.resend(sent.authRequestId));
      const second = await mock.inbox.waitForOtp("re@example.com", { after: first.email.seq });
      return { same: second.code === first.code, resent, verified: value(await d.verify({ code: first.code }, sent.authRequestId)) };
    });
    expect(sdk).toEqual(rest);
    expect(rest).toMatchObject({ same: true, resent: { expiresAt: Date.parse("2026-11-28T12:06:00Z") / 1000 } });
  });

  it("resend with new credentials: the old code fails, the new one works", async () => {
    const { rest, sdk } = await onBoth(async (d) => {
      mock.settings.update({ newCredentialsOnResend: true });
      const sent = value(await d.send("new@example.com"));
      const first = await otp("new@example.com");
      await d.resend(sent.authRequestId);
      const second = await mock.inbox.waitForOtp("new@example.com", { after: first.email.seq });
      const old = expectFailure(await d.verify({ code: first.code }, sent.authRequestId), 3, "OTP_INVALID");
      return { old, verified: value(await d.verify({ code: second.code }, sent.authRequestId)) };
    });
    expect(sdk).toEqual(rest);
  });

  it("magic link, with and without auth_request_id", async () => {
    const { rest, sdk } = await onBoth(async (d) => {
      mock.settings.update({ passwordlessType: "LINK" });
      const a = value(await d.send("l1@example.com", { magiclinkAuthUri: "https://app.test/cb" }));
      const withId = value(await d.verify({ linkToken: (await mock.inbox.waitForLink("l1@example.com")).linkToken }, a.authRequestId));
      value(await d.send("l2@example.com", { magiclinkAuthUri: "https://app.test/cb" }));
      const withoutId = value(await d.verify({ linkToken: (await mock.inbox.waitForLink("l2@example.com")).linkToken }));
      return { a, withId, withoutId };
    });
    expect(sdk).toEqual(rest);
    expect(rest).toMatchObject({ withoutId: { email: "l2@example.com", passwordlessType: "LINK" } });
  });

  it("same-origin enforcement refuses a link without auth_request_id", async () => {
    const { rest, sdk } = await onBoth(async (d) => {
      mock.settings.update({ passwordlessType: "LINK", enforceSameOrigin: true });
      value(await d.send("so@example.com", { magiclinkAuthUri: "https://app.test/cb" }));
      return expectFailure(await d.verify({ linkToken: (await mock.inbox.waitForLink("so@example.com")).linkToken }), 7, "SAME_ORIGIN_REQUIRED");
    });
    expect(sdk).toEqual(rest);
  });

  it("wrong code, then the right one", async () => {
    const { rest, sdk } = await onBoth(async (d) => {
      const sent = value(await d.send("w@example.com"));
      const wrong = expectFailure(await d.verify({ code: "000000x" }, sent.authRequestId), 3, "OTP_INVALID");
      return { wrong, right: value(await d.verify({ code: (await otp("w@example.com")).code }, sent.authRequestId)) };
    });
    expect(sdk).toEqual(rest);
  });

  it("locked after too many attempts", async () => {
    const { rest, sdk } = await onBoth(async (d) => {
      mock.settings.update({ maxAttempts: 2 });
      const sent = value(await d.send("lock@example.com"));
      await d.verify({ code: "bad" }, sent.authRequestId);
      await d.verify({ code: "bad" }, sent.authRequestId);
      return expectFailure(await d.verify({ code: (await mock.inbox.latest({ to: "lock@example.com" }))!.otp! }, sent.authRequestId), 8, "TOO_MANY_ATTEMPTS");
    });
    expect(sdk).toEqual(rest);
  });

  it("expired after the clock moves past expires_in", async () => {
    const { rest, sdk } = await onBoth(async (d) => {
      const sent = value(await d.send("exp@example.com", { expiresIn: 60 }));
      const { code } = await otp("exp@example.com");
      mock.clock.advance("90s");
      return expectFailure(await d.verify({ code }, sent.authRequestId), 9, "AUTH_REQUEST_EXPIRED");
    });
    expect(sdk).toEqual(rest);
  });

  it("single use", async () => {
    const { rest, sdk } = await onBoth(async (d) => {
      const sent = value(await d.send("once@example.com"));
      const { code } = await otp("once@example.com");
      value(await d.verify({ code }, sent.authRequestId));
      return expectFailure(await d.verify({ code }, sent.authRequestId), 9, "AUTH_REQUEST_ALREADY_VERIFIED");
    });
    expect(sdk).toEqual(rest);
  });

  it("unknown auth request", async () => {
    const { rest, sdk } = await onBoth(async (d) => ({
      verify: expectFailure(await d.verify({ code: "123456" }, "missing"), 5, "AUTH_REQUEST_NOT_FOUND"),
      resend: expectFailure(await d.resend("missing"), 5, "AUTH_REQUEST_NOT_FOUND"),
    }));
    expect(sdk).toEqual(rest);
  });

  it.each([
    ["a bad email", "not-an-email", {}],
    ["an email over 320 characters", `${"a".repeat(64)}@${"b".repeat(63)}.${"c".repeat(63)}.${"d".repeat(63)}.${"e".repeat(63)}.com`, {}],
    ["31 template variables", "a@example.com", { templateVariables: Object.fromEntries(Array.from({ length: 31 }, (_, i) => [`key_${i}`, "v"])) }],
    ["a reserved template variable", "a@example.com", { templateVariables: { otp: "1" } }],
    ["expires_in out of range", "a@example.com", { expiresIn: 5 }],
    ["a state too long", "a@example.com", { state: "s".repeat(1001) }],
  ])("invalid input: %s", async (_name, email, options) => {
    const { rest, sdk } = await onBoth(async (d) => expectFailure(await d.send(email, options), 3, "INVALID_ARGUMENT"));
    expect(sdk).toEqual(rest);
    expect((rest as Failure).message).toMatch(/^validation error: /);
  });

  it("invalid input: a code too long, and a link type without magiclink_auth_uri", async () => {
    const { rest, sdk } = await onBoth(async (d) => {
      const code = expectFailure(await d.verify({ code: "1".repeat(21) }, "x"), 3, "INVALID_ARGUMENT");
      mock.settings.update({ passwordlessType: "LINK_OTP" });
      return { code, uri: expectFailure(await d.send("a@example.com"), 3, "MAGICLINK_AUTH_URI_REQUIRED") };
    });
    expect(sdk).toEqual(rest);
  });
});
