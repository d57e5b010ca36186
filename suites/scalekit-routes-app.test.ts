import { describe, expect, it } from "vitest";
import { appWithoutSocket, CLIENT } from "./support/app-request.js";

/** The Scalekit REST routes and OAuth of a fresh app, called with `app.request()`: no socket. */
async function setup() {
  const { app, control } = appWithoutSocket();
  const tokenAnswer = await app.request("http://localhost/oauth/token", {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "client_credentials", client_id: CLIENT.id, client_secret: CLIENT.secret }).toString(),
  });
  const { access_token: token } = (await tokenAnswer.json()) as { access_token: string };
  const post = async (operation: string, body: unknown, headers: Record<string, string> = { authorization: `Bearer ${token}` }) => {
    const response = await app.request(`http://localhost/api/v1/passwordless/email/${operation}`, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify(body),
    });
    return { status: response.status, headers: response.headers, body: (await response.json().catch(() => null)) as Record<string, any> };
  };
  return { app, control, post };
}

describe("the Scalekit REST routes over the call pipeline", () => {
  it("send then verify: protobuf JSON in (either name style), protobuf JSON out", async () => {
    const { control, post } = await setup();
    const sent = await post("send", { email: "ana@example.com", expiresIn: "120", state: "st" });
    expect(sent.status).toBe(200);
    expect(sent.body).toEqual({ auth_request_id: expect.any(String), expires_at: expect.stringMatching(/^\d+$/), expires_in: 120, passwordless_type: "OTP" });
    const code = control.default.inbox.latest({ to: "ana@example.com" })!.otp!;
    const verified = await post("verify", { code, auth_request_id: sent.body.auth_request_id });
    expect(verified).toMatchObject({ status: 200, body: { email: "ana@example.com", state: "st", template: "SIGNIN", passwordless_type: "OTP" } });
    const journal = control.default.requests({ operation: "verify" });
    expect(journal[0]).toMatchObject({ transport: "rest", outcome: "ok", httpStatus: 200 });
  });

  it("refuses both credentials after authentication, as one InvalidArgument naming link_token", async () => {
    const { post } = await setup();
    const both = { code: "123456", link_token: "tok", auth_request_id: "x" };
    expect((await post("verify", both, {})).status).toBe(401);
    const refused = await post("verify", both);
    expect(refused.status).toBe(400);
    expect(refused.body.message).toContain("oneof auth_credential is already set");
    expect(refused.body.details[0]).toMatchObject({ error_code: "INVALID_ARGUMENT" });
  });

  it("names ignored fields in a header and answers other methods with 405", async () => {
    const { app, post } = await setup();
    const sent = await post("send", { email: "b@example.com", magicLinkUri: "typo" });
    expect(sent.status).toBe(200);
    expect(sent.headers.get("x-scalekit-mock-ignored-fields")).toBe("magicLinkUri");
    const get = await app.request("http://localhost/api/v1/passwordless/email/send");
    expect(get.status).toBe(405);
    expect(get.headers.get("allow")).toBe("POST");
  });

  it("answers a rate-limit fault with 429 and retry-after, and journals the fault", async () => {
    const { control, post } = await setup();
    const [rule] = control.default.faults.addAll([{ operation: "send", rateLimit: { retryAfter: 3 } }]);
    const limited = await post("send", { email: "c@example.com" });
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("3");
    expect(limited.body.details[0]).toMatchObject({ error_code: "RATE_LIMITED" });
    expect(control.default.requests({ operation: "send" })[0]).toMatchObject({ faultId: rule!.id, httpStatus: 429 });
  });

  it("names each broken field rule of a send in ErrorInfo's field violations", async () => {
    const { post } = await setup();
    const refused = await post("send", { email: "not-an-address", state: "" });
    expect(refused.status).toBe(400);
    expect(refused.body.message).toBe(
      "validation error: email: value must be a valid email address [string.email]; state: value length must be at least 1 characters [string.min_len]",
    );
    expect(refused.body.details).toEqual([
      {
        "@type": "type.googleapis.com/scalekit.v1.errdetails.ErrorInfo",
        error_code: "INVALID_ARGUMENT",
        validation_error_info: {
          field_violations: [
            { field: "email", description: "value must be a valid email address", constraint: "string.email" },
            { field: "state", description: "value length must be at least 1 characters", constraint: "string.min_len" },
          ],
        },
      },
    ]);
  });
});
