import { describe, expect, it } from "vitest";
import { magicLink, openAuthRequest, type AuthRequest } from "./auth-request.js";
import { SeededRandom } from "./seeded-random.js";
import { defaultSettings } from "./settings.js";
import { validateSend } from "./validation.js";

/** A LINK auth request sent with the given magic link URI. */
function sentWith(magiclinkAuthUri: string, passwordlessType: "LINK" | "LINK_OTP" = "LINK"): AuthRequest {
  const settings = { ...defaultSettings(), passwordlessType };
  const send = validateSend({ email: "ana@example.com", templateVariables: {}, magiclinkAuthUri }, settings);
  return openAuthRequest({ environmentId: "env", settings, random: new SeededRandom("seed"), now: Date.UTC(2026, 0, 1) }, send, 1);
}

describe("the magic link", () => {
  it("D44: puts link_token in the query before the fragment, which stays last", () => {
    const request = sentWith("https://app.test/cb#/verify");
    const link = magicLink(request)!;
    expect(link).toBe(`https://app.test/cb?link_token=${request.credentials.linkToken}#/verify`);
    expect(new URL(link).searchParams.get("link_token")).toBe(request.credentials.linkToken);
    expect(new URL(link).hash).toBe("#/verify");
  });

  it("D44: keeps the query and fragment of a URI that has both", () => {
    const request = sentWith("http://localhost:3000/cb?next=%2Fhome#top", "LINK_OTP");
    expect(magicLink(request)).toBe(`http://localhost:3000/cb?next=%2Fhome&link_token=${request.credentials.linkToken}#top`);
  });

  it("D44: replaces a link_token the URI already had, so the link carries exactly one", () => {
    const request = sentWith("https://app.test/cb?link_token=stale&next=1");
    const link = magicLink(request)!;
    expect(link).toBe(`https://app.test/cb?link_token=${request.credentials.linkToken}&next=1`);
    expect(new URL(link).searchParams.getAll("link_token")).toEqual([request.credentials.linkToken]);
  });

  it("D44: replaces every link_token a URI repeated with the one token", () => {
    const request = sentWith("https://app.test/cb?link_token=a&x=1&link_token=b");
    expect(new URL(magicLink(request)!).searchParams.getAll("link_token")).toEqual([request.credentials.linkToken]);
  });
});
