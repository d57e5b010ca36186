import { generateKeyPair, SignJWT } from "jose";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { gatewayErrorBody, sendPasswordlessResponse, verifyPasswordlessResponse } from "../mock-server/src/schemas/scalekit.js";
import { createMockScalekit, type MockScalekit } from "../mock-server/src/index.js";
import { post, restSession, type RestResult, type RestSession } from "./support/rest.js";

let mock: MockScalekit;
let api: RestSession;

beforeAll(async () => {
  mock = await createMockScalekit();
  api = await restSession(mock);
});
afterAll(() => mock.close());
beforeEach(() => mock.reset());

function expectError(result: RestResult, status: number, grpcCode: number, errorCode: string): void {
  expect(result.status, JSON.stringify(result.body)).toBe(status);
  const body = gatewayErrorBody.parse(result.body);
  expect(body.code).toBe(grpcCode);
  expect(body.details[0]?.error_code).toBe(errorCode);
}

async function sendOk(body: Record<string, unknown>) {
  const result = await api.send(body);
  expect(result.status, JSON.stringify(result.body)).toBe(200);
  return sendPasswordlessResponse.parse(result.body);
}

describe("OTP sign-in", () => {
  it("sends a code by email and verifies it", async () => {
    mock.clock.freeze();
    const sent = await sendOk({ email: "ana@example.com", state: "csrf-1", template: "SIGNUP" });
    expect(sent.passwordless_type).toBe("OTP");
    expect(sent.expires_in).toBe(300);
    expect(Number(sent.expires_at)).toBe(Math.floor(mock.clock.now().getTime() / 1000) + 300);

    const { code, authRequestId } = await mock.inbox.waitForOtp("ana@example.com");
    expect(authRequestId).toBe(sent.auth_request_id);

    const verified = await api.verify({ code, auth_request_id: sent.auth_request_id });
    expect(verified.status).toBe(200);
    expect(verifyPasswordlessResponse.parse(verified.body)).toEqual({
      email: "ana@example.com",
      state: "csrf-1",
      template: "SIGNUP",
      passwordless_type: "OTP",
    });
  });

  it("accepts lowerCamelCase field names", async () => {
    mock.settings.update({ passwordlessType: "LINK" });
    const sent = await sendOk({ email: "cam@example.com", magiclinkAuthUri: "https://app.test/cb", expiresIn: "120", templateVariables: { app_name: "Acme" } });
    expect(sent.expires_in).toBe(120);
    const { linkToken } = await mock.inbox.waitForLink("cam@example.com");
    const verified = await api.verify({ linkToken, authRequestId: sent.auth_request_id });
    expect(verified.body.email).toBe("cam@example.com");
  });

  it("a code is single use", async () => {
    const sent = await sendOk({ email: "once@example.com" });
    const { code } = await mock.inbox.waitForOtp("once@example.com");
    expect((await api.verify({ code, auth_request_id: sent.auth_request_id })).status).toBe(200);
    expectError(await api.verify({ code, auth_request_id: sent.auth_request_id }), 400, 9, "AUTH_REQUEST_ALREADY_VERIFIED");
  });
});

describe("magic link sign-in", () => {
  beforeEach(() => mock.settings.update({ passwordlessType: "LINK" }));

  it("emails the app's URI with link_token and verifies it without auth_request_id", async () => {
    await sendOk({ email: "lin@example.com", magiclink_auth_uri: "https://app.test/passwordless/verify" });
    const { link, linkToken } = await mock.inbox.waitForLink("lin@example.com");
    expect(new URL(link).searchParams.get("link_token")).toBe(linkToken);
    expect(linkToken).toMatch(/^[0-9a-f-]{36}_l$/);
    const verified = await api.verify({ link_token: linkToken });
    expect(verified.status).toBe(200);
    expect(verified.body).toEqual({ email: "lin@example.com", template: "SIGNIN", passwordless_type: "LINK" });
  });

  it("requires auth_request_id when same-origin is enforced", async () => {
    mock.settings.update({ enforceSameOrigin: true });
    const sent = await sendOk({ email: "so@example.com", magiclink_auth_uri: "https://app.test/cb" });
    const { linkToken } = await mock.inbox.waitForLink("so@example.com");
    expectError(await api.verify({ link_token: linkToken }), 403, 7, "SAME_ORIGIN_REQUIRED");
    expect((await api.verify({ link_token: linkToken, auth_request_id: sent.auth_request_id })).status).toBe(200);
  });

  it("rejects a send without magiclink_auth_uri", async () => {
    expectError(await api.send({ email: "x@example.com" }), 400, 3, "MAGICLINK_AUTH_URI_REQUIRED");
  });

  it("rejects an unknown link token", async () => {
    expectError(await api.verify({ link_token: "00000000-0000-4000-8000-000000000000_l" }), 400, 3, "LINK_TOKEN_INVALID");
  });

  it("LINK_OTP emails both, and either verifies", async () => {
    mock.settings.update({ passwordlessType: "LINK_OTP" });
    const sent = await sendOk({ email: "both@example.com", magiclink_auth_uri: "https://app.test/cb" });
    const email = mock.inbox.latest({ to: "both@example.com" })!;
    expect(email.otp).toMatch(/^\d{6}$/);
    expect(email.link).toContain("link_token=");
    const verified = await api.verify({ code: email.otp, auth_request_id: sent.auth_request_id });
    expect(verified.body.passwordless_type).toBe("LINK_OTP");
  });
});

describe("wrong codes", () => {
  it("a wrong code fails, then the right one works", async () => {
    const sent = await sendOk({ email: "typo@example.com" });
    const { code } = await mock.inbox.waitForOtp("typo@example.com");
    const wrong = code === "000000" ? "111111" : "000000";
    const failed = await api.verify({ code: wrong, auth_request_id: sent.auth_request_id });
    expectError(failed, 400, 3, "OTP_INVALID");
    expect(failed.body.message).toContain("4 attempts left");
    expect((await api.verify({ code, auth_request_id: sent.auth_request_id })).status).toBe(200);
  });

  it("locks the request after the maximum attempts", async () => {
    mock.settings.update({ maxAttempts: 3 });
    const sent = await sendOk({ email: "lock@example.com" });
    const { code } = await mock.inbox.waitForOtp("lock@example.com");
    for (let i = 0; i < 3; i++) expectError(await api.verify({ code: "x", auth_request_id: sent.auth_request_id }), 400, 3, "OTP_INVALID");
    expectError(await api.verify({ code, auth_request_id: sent.auth_request_id }), 429, 8, "TOO_MANY_ATTEMPTS");
    const view = await fetch(`${mock.url}/_mock/v1/auth-requests/${sent.auth_request_id}`).then((r) => r.json());
    expect(view).toMatchObject({ status: "locked", attempts: 3, max_attempts: 3 });
  });

  it("answers 404 for an unknown auth request", async () => {
    expectError(await api.verify({ code: "123456", auth_request_id: "nope" }), 404, 5, "AUTH_REQUEST_NOT_FOUND");
    expectError(await api.resend({ auth_request_id: "nope" }), 404, 5, "AUTH_REQUEST_NOT_FOUND");
  });
});

describe("expiry", () => {
  it("a code fails after the clock passes expires_in", async () => {
    const sent = await sendOk({ email: "late@example.com", expires_in: 60 });
    const { code } = await mock.inbox.waitForOtp("late@example.com");
    mock.clock.advance("61s");
    const result = await api.verify({ code, auth_request_id: sent.auth_request_id });
    expectError(result, 400, 9, "AUTH_REQUEST_EXPIRED");
    expect(result.body.message).toMatch(/expired \d+s ago/);
  });
});

describe("resend", () => {
  it("re-sends the same code by default", async () => {
    const sent = await sendOk({ email: "again@example.com" });
    const first = await mock.inbox.waitForOtp("again@example.com");
    const resent = await api.resend({ auth_request_id: sent.auth_request_id });
    expect(resent.status).toBe(200);
    expect(sendPasswordlessResponse.parse(resent.body).auth_request_id).toBe(sent.auth_request_id);
    const second = await mock.inbox.waitForOtp("again@example.com", { after: first.email.seq });
    expect(second.code).toBe(first.code);
    expect(second.email.kind).toBe("resend");
    expect((await api.verify({ code: first.code, auth_request_id: sent.auth_request_id })).status).toBe(200);
  });

  it("issues a new code with newCredentialsOnResend, and the old one fails", async () => {
    mock.settings.update({ newCredentialsOnResend: true });
    const sent = await sendOk({ email: "fresh@example.com" });
    const first = await mock.inbox.waitForOtp("fresh@example.com");
    await api.resend({ authRequestId: sent.auth_request_id });
    const second = await mock.inbox.waitForOtp("fresh@example.com", { after: first.email.seq });
    expect(second.code).not.toBe(first.code);
    expectError(await api.verify({ code: first.code, auth_request_id: sent.auth_request_id }), 400, 3, "OTP_INVALID");
    expect((await api.verify({ code: second.code, auth_request_id: sent.auth_request_id })).status).toBe(200);
  });
});

describe("invalid input", () => {
  it("rejects a bad email naming the field and rule", async () => {
    const result = await api.send({ email: "not-an-email" });
    expectError(result, 400, 3, "INVALID_ARGUMENT");
    expect(result.body.message).toBe("validation error: email: value must be a valid email address [string.email]");
    expect(result.body.details[0].validation_error_info.field_violations).toEqual([
      { field: "email", description: "value must be a valid email address", constraint: "string.email" },
    ]);
  });

  it("rejects missing fields", async () => {
    expect((await api.send({})).body.message).toContain("email: value is required");
    expect((await api.verify({ auth_request_id: "x" })).body.message).toContain("auth_credential");
    expect((await api.verify({ code: "123456" })).body.message).toContain("auth_request_id");
    expectError(await api.resend({}), 400, 3, "INVALID_ARGUMENT");
  });

  it("rejects more than 30 template variables", async () => {
    const vars = Object.fromEntries(Array.from({ length: 31 }, (_, i) => [`key_${i}`, "v"]));
    const result = await api.send({ email: "a@example.com", template_variables: vars });
    expectError(result, 400, 3, "INVALID_ARGUMENT");
    expect(result.body.message).toContain("[map.max_pairs]");
  });

  it("rejects wrong types and both credentials at once", async () => {
    expect((await api.send({ email: 42 })).body.message).toBe("invalid request body: invalid value for string field email: 42");
    expect((await api.send({ email: "a@example.com", template: "LOGIN" })).status).toBe(400);
    expect((await api.send({ email: "a@example.com", expires_in: -5 })).status).toBe(400);
    expect((await api.send({ email: "a@example.com", template_variables: { key: 1 } })).status).toBe(400);
    expect((await api.verify({ code: "1", link_token: "t", auth_request_id: "x" })).body.message).toContain("oneof");
  });

  it("rejects bad JSON and a body that is not an object", async () => {
    const bad = await api.send("{email:");
    expectError(bad, 400, 3, "INVALID_ARGUMENT");
    expect(bad.body.message).toContain("not valid JSON");
    expectError(await api.send([1, 2]), 400, 3, "INVALID_ARGUMENT");
  });

  it("rejects a content type other than JSON", async () => {
    const result = await post(mock.url, "/api/v1/passwordless/email/send", "email=a@example.com", {
      authorization: `Bearer ${api.token}`,
      "content-type": "application/x-www-form-urlencoded",
    });
    expectError(result, 400, 3, "INVALID_ARGUMENT");
    expect(result.body.message).toContain("Content-Type must be application/json");
  });

  it("ignores unknown fields, as grpc-gateway does, and says so in a header", async () => {
    const result = await api.send({ email: "a@example.com", magicLinkUri: "typo" });
    expect(result.status).toBe(200);
    expect(result.headers.get("x-scalekit-mock-ignored-fields")).toBe("magicLinkUri");
  });

  it("answers 405 for another method and 404 for another path, in the gateway shape", async () => {
    const get = await fetch(`${mock.url}/api/v1/passwordless/email/send`);
    expect(get.status).toBe(405);
    expect(gatewayErrorBody.parse(await get.json()).code).toBe(12);
    const missing = await fetch(`${mock.url}/api/v1/passwordless/sms/send`, { method: "POST" });
    expect(missing.status).toBe(404);
    expect(gatewayErrorBody.parse(await missing.json()).code).toBe(5);
  });
});

describe("authentication", () => {
  const send = (headers: Record<string, string>) => post(mock.url, "/api/v1/passwordless/email/send", { email: "a@example.com" }, headers);

  it("answers 401 without a token", async () => {
    expectError(await send({}), 401, 16, "UNAUTHENTICATED");
  });

  it("answers 401 for a malformed or forged token", async () => {
    expectError(await send({ authorization: "Bearer not-a-jwt" }), 401, 16, "UNAUTHENTICATED");
    expectError(await send({ authorization: "Basic abc" }), 401, 16, "UNAUTHENTICATED");
    const [header, payload] = api.token.split(".");
    const unsigned = `${Buffer.from(JSON.stringify({ alg: "none", typ: "JWT" })).toString("base64url")}.${payload}.`;
    expectError(await send({ authorization: `Bearer ${unsigned}` }), 401, 16, "UNAUTHENTICATED");
    expectError(await send({ authorization: `Bearer ${header}.${payload}.${"A".repeat(342)}` }), 401, 16, "UNAUTHENTICATED");
  });

  it("answers 401 for a token of another key or issuer, another algorithm, or altered claims", async () => {
    const claims = { client_id: "skc_test", environment_id: "default" };
    const signed = async (key: CryptoKey | Uint8Array, alg: string, issuer: string, audience: string) =>
      new SignJWT(claims).setProtectedHeader({ alg, typ: "JWT" }).setIssuer(issuer).setAudience([audience]).setIssuedAt().setExpirationTime("1h").sign(key);
    const { privateKey } = await generateKeyPair("RS256");
    // Right claims, wrong key.
    expectError(await send({ authorization: `Bearer ${await signed(privateKey, "RS256", mock.url, "skc_test")}` }), 401, 16, "UNAUTHENTICATED");
    // HS256 keyed with the public JWK: the algorithm-confusion attack.
    const jwk = JSON.stringify((await fetch(`${mock.url}/keys`).then((r) => r.json())).keys[0]);
    expectError(await send({ authorization: `Bearer ${await signed(new TextEncoder().encode(jwk), "HS256", mock.url, "skc_test")}` }), 401, 16, "UNAUTHENTICATED");
    // A real token of another mock with the same credentials: another key and issuer.
    const other = await createMockScalekit({ clientId: "skc_test", clientSecret: "secret-for-tests" });
    try {
      const foreign = (await restSession(other)).token;
      expectError(await send({ authorization: `Bearer ${foreign}` }), 401, 16, "UNAUTHENTICATED");
    } finally {
      await other.close();
    }
    // A real token of this mock for another environment, its client id changed to this one's: the signature no longer holds.
    const env = mock.environment({ clientId: "skc_other", clientSecret: "other-secret-123" });
    const [header, payload, signature] = (await restSession({ url: mock.url, clientId: env.clientId, clientSecret: env.clientSecret })).token.split(".");
    const swapped = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload!, "base64url").toString()), client_id: "skc_test" })).toString("base64url");
    expectError(await send({ authorization: `Bearer ${header}.${swapped}.${signature}` }), 401, 16, "UNAUTHENTICATED");
    mock.deleteEnvironment(env.id);
  });

  it("answers 401 once the token outlives tokenTtl on the mock clock", async () => {
    expect((await send({ authorization: `Bearer ${api.token}` })).status).toBe(200);
    mock.clock.advance("1h1s");
    const expired = await send({ authorization: `Bearer ${api.token}` });
    expectError(expired, 401, 16, "TOKEN_EXPIRED");
    mock.clock.reset();
  });

  it("issues tokens only for the right client secret", async () => {
    const token = await fetch(`${mock.url}/oauth/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ grant_type: "client_credentials", client_id: mock.clientId, client_secret: "wrong-secret" }),
    });
    expect(token.status).toBe(401);
    expect(await token.json()).toMatchObject({ error: "invalid_client" });
  });
});
