import { createClient, type Interceptor } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PasswordlessService } from "../mock-server/src/grpc/gen/scalekit/v1/auth/passwordless_pb.js";
import { createMockScalekit, type MockScalekit } from "../mock-server/src/index.js";
import { fetchToken, post } from "./support/rest.js";

/**
 * Template variable keys are whatever the caller chose within the
 * descriptor's rules (2–25 characters, not reserved), including names a plain
 * JavaScript object treats specially. Each is kept, as sent, everywhere.
 */

let mock: MockScalekit;
let token: string;

beforeAll(async () => {
  mock = await createMockScalekit({ seed: "template-variable-keys" });
  token = await fetchToken(mock.url, mock.clientId, mock.clientSecret);
});
afterAll(() => mock.close());

// Written as JSON text: in a JavaScript object literal `__proto__: …` would set the prototype instead.
const VARIABLES_JSON = '{"__proto__": "proto", "constructor": "ctor", "toString": "str", "hasOwnProperty": "own", "valueOf": "val", "app_name": "Acme"}';
const EXPECTED = Object.entries(JSON.parse(VARIABLES_JSON) as Record<string, string>);

async function authRequestVariables(id: string): Promise<Array<[string, string]>> {
  const view = (await fetch(`${mock.url}/_mock/v1/auth-requests/${id}`).then((r) => r.json())) as { template_variables: Record<string, string> };
  return Object.entries(view.template_variables);
}

describe("template variables named like Object.prototype members", () => {
  it("are kept over REST, in the auth request view, and the email still renders", async () => {
    const result = await post(mock.url, "/api/v1/passwordless/email/send", `{"email": "rest@example.com", "template_variables": ${VARIABLES_JSON}}`, {
      authorization: `Bearer ${token}`,
    });
    expect(result.status, JSON.stringify(result.body)).toBe(200);
    expect(await authRequestVariables(result.body.auth_request_id)).toEqual(EXPECTED);
    const email = await fetch(`${mock.url}/_mock/v1/emails/latest?to=rest@example.com`).then((r) => r.json());
    expect(email.subject).toContain("for Acme");
    expect(email.html).not.toContain("function");
  });

  it("are kept over gRPC", async () => {
    const bearer: Interceptor = (next) => (request) => {
      request.header.set("authorization", `Bearer ${token}`);
      return next(request);
    };
    const client = createClient(PasswordlessService, createGrpcTransport({ baseUrl: mock.url, interceptors: [bearer] }));
    const sent = await client.sendPasswordlessEmail({ email: "grpc@example.com", templateVariables: JSON.parse(VARIABLES_JSON) });
    expect(await authRequestVariables(sent.authRequestId)).toEqual(EXPECTED);
  });

  it("are kept through a snapshot export and import", async () => {
    const result = await post(mock.url, "/api/v1/passwordless/email/send", `{"email": "snap@example.com", "template_variables": ${VARIABLES_JSON}}`, {
      authorization: `Bearer ${token}`,
    });
    const snapshot = await fetch(`${mock.url}/_mock/v1/snapshot`).then((r) => r.text());
    expect((await fetch(`${mock.url}/_mock/v1/reset`, { method: "POST" })).status).toBe(200);
    const restored = await fetch(`${mock.url}/_mock/v1/snapshot`, { method: "PUT", headers: { "content-type": "application/json" }, body: snapshot });
    expect(restored.status).toBe(200);
    expect(await authRequestVariables(result.body.auth_request_id)).toEqual(EXPECTED);
  });

  it("are still checked against the descriptor's rules", async () => {
    const result = await post(mock.url, "/api/v1/passwordless/email/send", '{"email": "rules@example.com", "template_variables": {"__proto__": "x", "x": "too short"}}', {
      authorization: `Bearer ${token}`,
    });
    expect(result.status).toBe(400);
    expect(result.body.details[0].validation_error_info.field_violations).toEqual([
      { field: 'template_variables["x"]', constraint: "string.min_len", description: "value length must be at least 2 characters" },
    ]);
  });
});
