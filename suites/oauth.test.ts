import { createLocalJWKSet, jwtVerify } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tokenResponse } from "../mock-server/src/schemas/scalekit.js";
import { createMockScalekit, type MockScalekit } from "../mock-server/src/index.js";

let mock: MockScalekit;

beforeAll(async () => {
  mock = await createMockScalekit({ clientId: "skc_test", clientSecret: "secret-for-tests", settings: { tokenTtl: "15m" } });
});
afterAll(() => mock.close());

const token = (body: string | URLSearchParams, headers: Record<string, string> = { "content-type": "application/x-www-form-urlencoded" }) =>
  fetch(`${mock.url}/oauth/token`, { method: "POST", headers, body });

describe("POST /oauth/token", () => {
  it("D19: issues an RS256 JWT that /keys verifies, with the configured lifetime", async () => {
    const response = await token(new URLSearchParams({ grant_type: "client_credentials", client_id: "skc_test", client_secret: "secret-for-tests" }));
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("no-store");
    const body = tokenResponse.parse(await response.json());
    expect(body.expires_in).toBe(900);
    const jwks = await fetch(`${mock.url}/keys`).then((r) => r.json());
    expect(jwks.keys[0]).toMatchObject({ kty: "RSA", alg: "RS256", use: "sig" });
    expect(jwks.keys[0]).not.toHaveProperty("d");
    const { payload, protectedHeader } = await jwtVerify(body.access_token, createLocalJWKSet(jwks), {
      issuer: mock.url,
      audience: "skc_test",
      currentDate: mock.clock.now(),
    });
    expect(protectedHeader.alg).toBe("RS256");
    expect(payload.sub).toBe("skc_test");
    expect(payload.exp! - payload.iat!).toBe(900);
  });

  it("D23: accepts client credentials by HTTP Basic auth", async () => {
    const basic = Buffer.from("skc_test:secret-for-tests").toString("base64");
    const response = await token("grant_type=client_credentials", {
      "content-type": "application/x-www-form-urlencoded",
      authorization: `Basic ${basic}`,
    });
    expect(response.status).toBe(200);
  });

  const basic = (credentials: string) => `Basic ${Buffer.from(credentials).toString("base64")}`;

  it.each([
    ["client_id", "grant_type=client_credentials&client_id=skc_test"],
    ["client_secret", "grant_type=client_credentials&client_secret=secret-for-tests"],
    ["client_id and client_secret", "grant_type=client_credentials&client_id=skc_test&client_secret=secret-for-tests"],
  ])("refuses HTTP Basic together with %s in the body with invalid_request (one method per request)", async (_name, body) => {
    const issued = mock.tokensIssued();
    const response = await token(body, { "content-type": "application/x-www-form-urlencoded", authorization: basic("skc_test:secret-for-tests") });
    expect(response.status).toBe(400);
    const refused = await response.json();
    expect(refused).toMatchObject({ error: "invalid_request" });
    expect(refused.error_description).toContain("RFC 6749 §2.3");
    expect(mock.tokensIssued()).toBe(issued);
  });

  it.each([
    ["with a second token", `${basic("skc_test:secret-for-tests")} extra`],
    ["without credentials", "Basic"],
    ["with only spaces after it", "Basic   "],
  ])("refuses a malformed Basic header %s with invalid_request, even when the form carries credentials", async (_name, authorization) => {
    const issued = mock.tokensIssued();
    const response = await token("grant_type=client_credentials&client_id=skc_test&client_secret=secret-for-tests", {
      "content-type": "application/x-www-form-urlencoded",
      authorization,
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: "invalid_request", error_description: expect.stringContaining("Basic <base64") });
    expect(mock.tokensIssued()).toBe(issued);
  });

  it("refuses a parameter given twice with invalid_request", async () => {
    const response = await token("grant_type=client_credentials&client_id=skc_test&client_id=skc_test&client_secret=secret-for-tests");
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: "invalid_request", error_description: expect.stringContaining('"client_id" is given more than once') });
  });

  it.each([
    ["a % without hex digits", "skc_test:secret%zz", 401],
    ["a raw secret", "skc_test:secret-for-tests", 200],
    ["a percent-encoded id", "skc%5Ftest:secret-for-tests", 200],
    ["no colon", "skc_test", 400],
  ])("answers Basic credentials with %s without failing", async (_name, credentials, status) => {
    const response = await token("grant_type=client_credentials", { "content-type": "application/x-www-form-urlencoded", authorization: basic(credentials) });
    expect(response.status).toBe(status);
  });

  it.each([
    ["a wrong secret", "grant_type=client_credentials&client_id=skc_test&client_secret=nope", 401, "invalid_client"],
    ["an unknown client", "grant_type=client_credentials&client_id=skc_other&client_secret=secret-for-tests", 401, "invalid_client"],
    ["no credentials", "grant_type=client_credentials", 401, "invalid_client"],
    ["no grant type", "client_id=skc_test&client_secret=secret-for-tests", 400, "invalid_request"],
    ["another grant type", "grant_type=password&client_id=skc_test&client_secret=secret-for-tests", 400, "unsupported_grant_type"],
  ])("refuses %s", async (_name, body, status, error) => {
    const response = await token(body);
    expect(response.status).toBe(status);
    expect(await response.json()).toMatchObject({ error, error_description: expect.any(String) });
  });

  it("refuses a JSON body with invalid_request", async () => {
    const response = await token(JSON.stringify({ grant_type: "client_credentials" }), { "content-type": "application/json" });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: "invalid_request" });
  });
});
