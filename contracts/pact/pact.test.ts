import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { MatchersV3, PactV4, Verifier } from "@pact-foundation/pact";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ScalekitMockClient } from "../../mock-server/src/client/index.js";
import { createMockScalekit, type MockScalekit } from "../../mock-server/src/index.js";
import { fetchToken } from "../../suites/support/rest.js";
import { PasswordlessApiError, PasswordlessRestClient } from "./passwordless-client.js";

/**
 * Consumer: PasswordlessRestClient against Pact's mock server, writing
 * contracts/pact/pacts/. Provider: that pact verified against scalekit-mock,
 * with provider states set up through its control API. Both offline.
 */

const { integer, regex, string, fromProviderState, eachLike } = MatchersV3;
const PACT_DIR = fileURLToPath(new URL("./pacts", import.meta.url));
const CONSUMER = "passwordless-rest-client";
const PROVIDER = "scalekit-passwordless";
const PACT_FILE = join(PACT_DIR, `${CONSUMER}-${PROVIDER}.json`);
const AUTH = { authorization: regex(/^Bearer [\w.-]+$/, "Bearer eyJhbGciOiJSUzI1NiJ9.e30.c2ln"), "content-type": "application/json" };
const errorBody = { code: integer(9), message: string("auth request expired"), details: eachLike({ "@type": string("type.googleapis.com/scalekit.v1.errdetails.ErrorInfo"), error_code: string("AUTH_REQUEST_EXPIRED") }) };

describe("pact consumer: passwordless REST client", () => {
  const pact = new PactV4({ consumer: CONSUMER, provider: PROVIDER, dir: PACT_DIR, logLevel: "warn" });

  it("sends a sign-in email", async () => {
    await pact
      .addInteraction()
      .given("the environment sends OTP")
      .uponReceiving("a send for ana@example.com")
      .withRequest("POST", "/api/v1/passwordless/email/send", (b) => b.headers(AUTH).jsonBody({ email: "ana@example.com", state: "st-1" }))
      .willRespondWith(200, (b) =>
        b.jsonBody({
          auth_request_id: string("h5Y8kT5RVwaea5WEgW4n-6C-aO_-fuTUW7Vb9-Rh3AcY9qxZqQ"),
          expires_at: regex(/^\d+$/, "1795864301"),
          expires_in: integer(300),
          passwordless_type: "OTP",
        }),
      )
      .executeTest(async (server) => {
        const sent = await new PasswordlessRestClient(server.url, "t.o.k").send("ana@example.com", { state: "st-1" });
        expect(sent).toMatchObject({ expiresIn: 300, passwordlessType: "OTP" });
      });
  });

  it("verifies a code", async () => {
    await pact
      .addInteraction()
      .given("an auth request exists for ana@example.com", { email: "ana@example.com" })
      .uponReceiving("a verify with the right code")
      .withRequest("POST", "/api/v1/passwordless/email/verify", (b) =>
        b.headers(AUTH).jsonBody({ code: fromProviderState("${code}", "123456"), auth_request_id: fromProviderState("${authRequestId}", "ar_1") }),
      )
      .willRespondWith(200, (b) => b.jsonBody({ email: "ana@example.com", state: "st-1", template: "SIGNIN", passwordless_type: "OTP" }))
      .executeTest(async (server) => {
        const verified = await new PasswordlessRestClient(server.url, "t.o.k").verifyCode("123456", "ar_1");
        expect(verified).toEqual({ email: "ana@example.com", state: "st-1", template: "SIGNIN", passwordlessType: "OTP" });
      });
  });

  it("resends the email", async () => {
    await pact
      .addInteraction()
      .given("an auth request exists for ana@example.com", { email: "ana@example.com" })
      .uponReceiving("a resend")
      .withRequest("POST", "/api/v1/passwordless/email/resend", (b) => b.headers(AUTH).jsonBody({ auth_request_id: fromProviderState("${authRequestId}", "ar_1") }))
      .willRespondWith(200, (b) => b.jsonBody({ auth_request_id: fromProviderState("${authRequestId}", "ar_1"), expires_at: regex(/^\d+$/, "1795864301"), expires_in: integer(300), passwordless_type: "OTP" }))
      .executeTest(async (server) => {
        expect((await new PasswordlessRestClient(server.url, "t.o.k").resend("ar_1")).authRequestId).toBe("ar_1");
      });
  });

  it("is told when the code has expired", async () => {
    await pact
      .addInteraction()
      .given("the code has expired", { email: "late@example.com" })
      .uponReceiving("a verify of an expired code")
      .withRequest("POST", "/api/v1/passwordless/email/verify", (b) =>
        b.headers(AUTH).jsonBody({ code: fromProviderState("${code}", "123456"), auth_request_id: fromProviderState("${authRequestId}", "ar_2") }),
      )
      .willRespondWith(400, (b) => b.jsonBody(errorBody))
      .executeTest(async (server) => {
        const error = await new PasswordlessRestClient(server.url, "t.o.k").verifyCode("123456", "ar_2").catch((e: unknown) => e);
        expect(error).toBeInstanceOf(PasswordlessApiError);
        expect((error as PasswordlessApiError).grpcCode).toBe(9);
      });
  });

  it("is told when the email is invalid", async () => {
    await pact
      .addInteraction()
      .given("the environment sends OTP")
      .uponReceiving("a send with an invalid email")
      .withRequest("POST", "/api/v1/passwordless/email/send", (b) => b.headers(AUTH).jsonBody({ email: "not-an-email" }))
      .willRespondWith(400, (b) => b.jsonBody({ ...errorBody, code: 3, details: eachLike({ "@type": string("type.googleapis.com/scalekit.v1.errdetails.ErrorInfo"), error_code: string("INVALID_ARGUMENT") }) }))
      .executeTest(async (server) => {
        const error = await new PasswordlessRestClient(server.url, "t.o.k").send("not-an-email").catch((e: unknown) => e);
        expect((error as PasswordlessApiError).status).toBe(400);
      });
  });

  it("wrote the pact file", () => {
    expect(existsSync(PACT_FILE)).toBe(true);
    const pactJson = JSON.parse(readFileSync(PACT_FILE, "utf8"));
    expect(pactJson.metadata.pactSpecification.version).toBe("4.0");
    expect(pactJson.interactions).toHaveLength(5);
  });
});

describe("pact provider: scalekit-mock honours the pact", () => {
  let mock: MockScalekit;
  let control: ScalekitMockClient;
  let token: string;

  beforeAll(async () => {
    mock = await createMockScalekit({ seed: "pact-provider" });
    control = new ScalekitMockClient(mock.url);
    token = await fetchToken(mock.url, mock.clientId, mock.clientSecret);
  });
  afterAll(() => mock.close());

  /** Sends through the REST API, as the provider would, and returns what the state injects. */
  async function authRequestFor(email: string) {
    const response = await fetch(`${mock.url}/api/v1/passwordless/email/send`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify({ email, state: "st-1" }),
    });
    const { auth_request_id } = (await response.json()) as { auth_request_id: string };
    const { code } = await control.inbox.waitForOtp(email);
    return { authRequestId: auth_request_id, code: code! };
  }

  it("verifies every interaction of the pact", async () => {
    const output = await new Verifier({
      provider: PROVIDER,
      providerBaseUrl: mock.url,
      pactUrls: [PACT_FILE],
      // The pact's tokens are examples; the provider needs a real one.
      requestFilter: (req: { headers: Record<string, unknown> }, _res: unknown, next: () => void) => {
        req.headers.authorization = `Bearer ${token}`;
        next();
      },
      logLevel: "warn",
      stateHandlers: {
        "the environment sends OTP": async () => {
          await control.reset();
          return undefined;
        },
        "an auth request exists for ana@example.com": async (params: unknown) => {
          await control.reset();
          return authRequestFor(String((params as { email?: string } | undefined)?.email ?? "ana@example.com"));
        },
        "the code has expired": async (params: unknown) => {
          await control.reset();
          const state = await authRequestFor(String((params as { email?: string } | undefined)?.email ?? "late@example.com"));
          await control.clock.advance("10m");
          return state;
        },
      },
    }).verifyProvider();
    expect(output).toBeDefined();
  }, 60_000);
});
