import { describe, expect, it } from "vitest";
import { defaultSettings, settingsSchema } from "./settings.js";

describe("settings", () => {
  it("has the documented defaults", () => {
    expect(defaultSettings()).toEqual({
      passwordlessType: "OTP",
      otpLength: 6,
      otpCharset: "NUMERIC",
      defaultExpiresIn: 300,
      minExpiresIn: 60,
      maxExpiresIn: 3_600,
      maxAttempts: 5,
      maxResends: 5,
      newCredentialsOnResend: false,
      enforceSameOrigin: false,
      tokenTtl: 3_600,
      journalLimit: 1_000,
      emailLimit: 10_000,
      authRequestLimit: 10_000,
      faultLimit: 1_000,
      rateLimitPerMinute: null,
      appName: "Scalekit Mock",
      appLogoUrl: "",
      appSupportEmail: "",
      appOrganizationMetaName: "",
      organizationName: "",
      userName: "",
    });
  });

  it("takes a rate limit of 1 to 10000 calls per minute, or null for none", () => {
    expect(settingsSchema.parse({ rateLimitPerMinute: 1 }).rateLimitPerMinute).toBe(1);
    expect(settingsSchema.parse({ rateLimitPerMinute: 10_000 }).rateLimitPerMinute).toBe(10_000);
    expect(settingsSchema.parse({ rateLimitPerMinute: null }).rateLimitPerMinute).toBeNull();
    for (const refused of [0, -1, 1.5, 10_001, "60"]) expect(settingsSchema.safeParse({ rateLimitPerMinute: refused }).success).toBe(false);
  });

  it("D6: gives access tokens a one-hour lifetime by default", () => {
    expect(defaultSettings().tokenTtl).toBe(60 * 60);
  });

  it("reads durations as seconds", () => {
    expect(settingsSchema.parse({ tokenTtl: "2h", defaultExpiresIn: "10m" })).toMatchObject({ tokenTtl: 7200, defaultExpiresIn: 600 });
  });

  it("rejects unknown fields, bad types and inconsistent bounds", () => {
    expect(settingsSchema.safeParse({ maxAttempt: 3 }).success).toBe(false);
    expect(settingsSchema.safeParse({ passwordlessType: "SMS" }).success).toBe(false);
    expect(settingsSchema.safeParse({ otpCharset: "alphanumeric" }).success).toBe(false);
    expect(settingsSchema.safeParse({ tokenTtl: "soon" }).success).toBe(false);
    expect(settingsSchema.safeParse({ minExpiresIn: 600, maxExpiresIn: 60, defaultExpiresIn: 60 }).success).toBe(false);
    expect(settingsSchema.safeParse({ defaultExpiresIn: 10 }).success).toBe(false);
  });
});
