import { ScalekitClient, ScalekitTooManyRequestsException } from "@scalekit-sdk/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMockScalekit, type MockEnvironment, type MockScalekit } from "../mock-server/src/index.js";
import { RawClient, TRANSPORTS } from "./support/raw-http.js";
import { fetchToken } from "./support/rest.js";

/**
 * `rateLimitPerMinute` over the wire: OAuth's token endpoint, REST over
 * HTTP/1.1 and HTTP/2, and the official SDK. The scenarios of
 * `suites/catalog/scenarios/rate-limit.ts` cover the documented behaviour on
 * every target; this file pins what only one transport shows.
 */

let mock: MockScalekit;
const T0 = "2026-11-28T10:00:00.000Z";

beforeAll(async () => {
  mock = await createMockScalekit({ seed: "rate-limit" });
});
afterAll(async () => {
  await mock.close();
});

/** An environment of its own with the limit set and the clock frozen. */
function limitedEnvironment(rateLimitPerMinute: number): MockEnvironment {
  const env = mock.environment({ settings: { rateLimitPerMinute } });
  env.clock.set(T0);
  env.clock.freeze();
  return env;
}

const tokenRequest = (clientId: string, clientSecret: string) =>
  fetch(`${mock.url}/oauth/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "client_credentials", client_id: clientId, client_secret: clientSecret }),
  });

describe("POST /oauth/token over the rate limit", () => {
  it("D52: counts token requests naming the environment's client id, wrong secret or not, and answers 429 in OAuth's shape with retry-after", async () => {
    const env = limitedEnvironment(2);
    expect((await tokenRequest(env.clientId, "wrong-secret")).status).toBe(401);
    expect((await tokenRequest(env.clientId, env.clientSecret)).status).toBe(200);
    const issued = env.tokensIssued();
    const refused = await tokenRequest(env.clientId, env.clientSecret);
    expect(refused.status).toBe(429);
    expect(refused.headers.get("retry-after")).toBe("60");
    expect(refused.headers.get("cache-control")).toBe("no-store");
    expect(await refused.json()).toEqual({
      error: "rate_limited",
      error_description: `rate limit exceeded: environment "${env.id}" allows 2 requests per minute; retry after 60s (mock clock) or raise rateLimitPerMinute`,
    });
    expect(env.tokensIssued()).toBe(issued);
    expect(env.requests({ operation: "token" })[0]).toMatchObject({ outcome: "RATE_LIMITED", grpcCode: "ResourceExhausted", httpStatus: 429 });
    env.clock.advance("1m");
    expect((await tokenRequest(env.clientId, env.clientSecret)).status).toBe(200);
  });

  it("D52: leaves /keys and token requests for an unknown client id uncounted, even by the default environment whose journal they go to", async () => {
    mock.settings.update({ rateLimitPerMinute: 1 });
    mock.clock.freeze();
    try {
      for (let i = 0; i < 3; i++) {
        expect((await fetch(`${mock.url}/keys`)).status).toBe(200);
        expect((await tokenRequest("skc_nobody", "x")).status).toBe(401);
      }
      expect((await tokenRequest(mock.clientId, mock.clientSecret)).status).toBe(200);
      expect((await tokenRequest(mock.clientId, mock.clientSecret)).status).toBe(429);
    } finally {
      mock.reset();
    }
  });
});

describe("what a call is counted against and identified by", () => {
  it("D52: leaves token requests that carry a client id but no secret uncounted: a client id alone does not use up the window", async () => {
    const env = limitedEnvironment(1);
    const idOnly = () =>
      fetch(`${mock.url}/oauth/token`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ grant_type: "client_credentials", client_id: env.clientId }),
      });
    for (let i = 0; i < 3; i++) expect((await idOnly()).status).toBe(401);
    expect((await tokenRequest(env.clientId, env.clientSecret)).status).toBe(200);
  });

  it("D10: a link verify naming an unknown auth request is that request's call, not the link token owner's: its fault rules stay untouched", async () => {
    const env = mock.environment({ settings: { passwordlessType: "LINK" } });
    const owner = "token-owner@example.com";
    const token = await fetchToken(mock.url, env.clientId, env.clientSecret);
    const call = (operation: string, body: unknown) =>
      fetch(`${mock.url}/api/v1/passwordless/email/${operation}`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
        body: JSON.stringify(body),
      });
    expect((await call("send", { email: owner, magiclink_auth_uri: "https://app.example.test/cb" })).status).toBe(200);
    const { linkToken } = await env.inbox.waitForLink(owner);
    env.faults.add({ operation: "verify", match: { email: owner }, error: "Unavailable" });
    const answer = await call("verify", { link_token: linkToken, auth_request_id: "no-such-request" });
    expect(answer.status).toBe(404);
    expect((await answer.json()).details[0].error_code).toBe("AUTH_REQUEST_NOT_FOUND");
    const entry = env.requests({ operation: "verify" })[0]!;
    expect(entry.email).toBeUndefined();
    expect(entry.faultId).toBeUndefined();
  });
});

describe("REST over the rate limit", () => {
  it.each(TRANSPORTS)("answers 429 with retry-after and RATE_LIMITED in the gateway shape over %s", async (transport) => {
    const env = limitedEnvironment(2);
    const token = await fetchToken(mock.url, env.clientId, env.clientSecret);
    const client = new RawClient(mock.url);
    try {
      const send = () =>
        client.send(transport, {
          method: "POST",
          path: "/api/v1/passwordless/email/send",
          headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
          body: JSON.stringify({ email: `rest-${transport}@example.com` }),
        });
      expect((await send()).status).toBe(200);
      env.clock.advance("20s");
      const refused = await send();
      expect(refused.status).toBe(429);
      // The token request of 20 s ago fills the window until it turns a minute old.
      expect(refused.headers["retry-after"]).toBe("40");
      expect(JSON.parse(refused.body)).toEqual({
        code: 8,
        message: `rate limit exceeded: environment "${env.id}" allows 2 requests per minute; retry after 40s (mock clock) or raise rateLimitPerMinute`,
        details: [{ "@type": "type.googleapis.com/scalekit.v1.errdetails.ErrorInfo", error_code: "RATE_LIMITED" }],
      });
      expect(env.inbox.list()).toHaveLength(1);
    } finally {
      client.close();
    }
  });
});

describe("the Node SDK over the rate limit", () => {
  it("raises ScalekitTooManyRequestsException with RATE_LIMITED and does not retry", async () => {
    const env = limitedEnvironment(3);
    const scalekit = new ScalekitClient(mock.url, env.clientId, env.clientSecret);
    // The first call goes without a token (not counted: nothing names the environment), then the token and the call: two of three.
    await scalekit.passwordless.sendPasswordlessEmail("sdk@example.com");
    await scalekit.passwordless.sendPasswordlessEmail("sdk@example.com");
    const error = await scalekit.passwordless.sendPasswordlessEmail("sdk@example.com").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ScalekitTooManyRequestsException);
    expect((error as ScalekitTooManyRequestsException).errorCode).toBe("RATE_LIMITED");
    expect((error as Error).message).toMatch(/rate limit exceeded: .* allows 3 requests per minute; retry after 60s/);
    expect(env.requests({ operation: "send" }).map((entry) => entry.outcome)).toEqual(["RATE_LIMITED", "ok", "ok"]);
    expect(env.tokensIssued()).toBe(1);
  });
});
