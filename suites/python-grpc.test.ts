import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createMockScalekit, type MockScalekit } from "../mock-server/src/index.js";
import { pythonGrpcClient, pythonGrpcSkipReason, transportFor, type PythonGrpcClient, type Step, type StepResult, type Transport } from "./support/python-grpc.js";
import { generateTls } from "../mock-server/src/tls/generate.js";
import { fetchToken } from "./support/rest.js";

/**
 * PasswordlessService through Python's grpcio (C core), the stack of
 * Scalekit's Python SDK: a gRPC implementation that shares no code with the
 * mock's connect-es, over TLS trusting the mock's generated CA with
 * `ssl_channel_credentials`, as the SDK always connects. Without python3-grpcio, python3-protobuf or protoc these
 * tests skip with the reason printed; with CI=true they fail.
 */

const skip = pythonGrpcSkipReason();

let mock: MockScalekit;
let python: PythonGrpcClient;
/** The one place that says how Python reaches the mock: TLS (h2 by ALPN) on the mock's port, trusting its CA. */
let transport: Transport;
let bearer: string;

beforeAll(async () => {
  if (skip !== undefined) return;
  mock = await createMockScalekit({ seed: "python-grpc", tls: true });
  python = pythonGrpcClient();
  transport = transportFor(mock.tls!.url, mock.tls!.ca);
});
afterAll(async () => {
  python?.close();
  await mock?.close();
});
beforeEach(async () => {
  if (skip !== undefined) return;
  mock.reset();
  mock.clock.freeze();
  bearer = `Bearer ${await fetchToken(mock.url, mock.clientId, mock.clientSecret)}`;
});

/** What Scalekit's Python SDK sends besides authorization (grpcio sets its own user-agent); the values do not matter to the mock. */
const SDK_HEADERS: [string, string][] = [
  ["x-sdk-version", "Scalekit-Python/2.10.0"],
  ["x-api-version", "20250830"],
];
const send = (email: string, authorization = [bearer]): Step => ({
  method: "SendPasswordlessEmail",
  request: { email },
  metadata: [...SDK_HEADERS, ...authorization.map((value): [string, string] => ["authorization", value])],
});
const verify = (authRequestId: string, code: string): Step => ({ method: "VerifyPasswordlessEmail", request: { auth_request_id: authRequestId, code }, metadata: [["authorization", bearer]] });
const resend = (authRequestId: string): Step => ({ method: "ResendPasswordlessEmail", request: { auth_request_id: authRequestId }, metadata: [["authorization", bearer]] });

async function one(step: Step): Promise<StepResult> {
  const [result] = await python.run(transport, [step]);
  return result!;
}

async function ok(step: Step): Promise<Record<string, unknown>> {
  const result = await one(step);
  if (!result.ok) throw new Error(`${step.method} failed: ${result.code} ${result.details}`);
  return result.response;
}

/** The failure of a step, checked as the Python SDK reads it (`rpc_status.from_call`): details present and agreeing with the status. */
function failure(result: StepResult, code: string, errorCode: string): string {
  if (result.ok) throw new Error(`expected ${code}, got a response: ${JSON.stringify(result.response)}`);
  expect({ code: result.code, errorCode: result.status?.details[0]?.error_info?.error_code }).toEqual({ code, errorCode });
  expect(result.status, "grpc-status-details-bin must repeat grpc-status and grpc-message").toMatchObject({ code: GRPC_CODE[code], message: result.details });
  expect(result.status!.details.map((d) => d.type_url)).toEqual(["type.googleapis.com/scalekit.v1.errdetails.ErrorInfo"]);
  return result.details;
}

const GRPC_CODE: Record<string, number> = { INVALID_ARGUMENT: 3, NOT_FOUND: 5, UNAUTHENTICATED: 16 };

describe.skipIf(skip !== undefined)("Python's grpcio against the mock", () => {
  it("sends a code: an auth request id, when it expires and the passwordless type", async () => {
    const sent = await ok(send("py@example.com"));
    const now = Math.floor(mock.clock.now().getTime() / 1000);
    // proto JSON writes int64 as a string.
    expect(sent).toEqual({ auth_request_id: expect.any(String), expires_at: String(now + 300), expires_in: 300, passwordless_type: "OTP" });
    expect(mock.inbox.latest({ to: "py@example.com" })?.otp).toMatch(/^\d+$/);
  });

  it("verifies the code from the inbox: the email, the template (SIGNIN when the send named none, D9) and the type", async () => {
    const sent = await ok(send("verify@example.com"));
    const { code } = await mock.inbox.waitForOtp("verify@example.com");
    expect(await ok(verify(sent.auth_request_id as string, code))).toEqual({ email: "verify@example.com", template: "SIGNIN", passwordless_type: "OTP" });
  });

  it("answers a wrong code with INVALID_ARGUMENT and OTP_INVALID in details that repeat the status", async () => {
    const sent = await ok(send("wrong@example.com"));
    const { code } = await mock.inbox.waitForOtp("wrong@example.com");
    const wrong = code === "000000" ? "111111" : "000000";
    const message = failure(await one(verify(sent.auth_request_id as string, wrong)), "INVALID_ARGUMENT", "OTP_INVALID");
    expect(message).toMatch(/attempt/);
    expect(await ok(verify(sent.auth_request_id as string, code))).toMatchObject({ email: "wrong@example.com" });
  });

  it("resends: the same auth request, a new email, and its code verifies", async () => {
    const sent = await ok(send("again@example.com"));
    const first = await mock.inbox.waitForOtp("again@example.com");
    mock.clock.advance("1m");
    const resent = await ok(resend(sent.auth_request_id as string));
    expect(resent).toMatchObject({ auth_request_id: sent.auth_request_id, expires_at: String(Number(sent.expires_at) + 60), passwordless_type: "OTP" });
    const second = await mock.inbox.waitForOtp("again@example.com", { after: first.email.seq });
    expect(mock.inbox.list({ to: "again@example.com" })).toHaveLength(2);
    expect(await ok(verify(sent.auth_request_id as string, second.code))).toMatchObject({ email: "again@example.com" });
  });

  it("refuses a token once the mock clock passes its lifetime, with UNAUTHENTICATED and TOKEN_EXPIRED", async () => {
    expect((await one(send("before@example.com"))).ok).toBe(true);
    mock.clock.advance(mock.settings.get().tokenTtl * 1000 + 1000);
    const message = failure(await one(send("after@example.com")), "UNAUTHENTICATED", "TOKEN_EXPIRED");
    expect(message).toMatch(/expired/);
    expect(mock.inbox.list({ to: "after@example.com" })).toEqual([]);
  });

  it("accepts a gzip-compressed request, as grpcio sends it with compression=Gzip", async () => {
    expect(await ok({ ...send("gzip@example.com"), gzip: true })).toMatchObject({ passwordless_type: "OTP" });
    expect(mock.inbox.list({ to: "gzip@example.com" })).toHaveLength(1);
  });

  it("carries details that repeat the status on every error: bad email, unknown auth request, no token, a garbage token", async () => {
    const results = await python.run(transport, [
      send("not-an-email"),
      resend("no-such-request"),
      { method: "SendPasswordlessEmail", request: { email: "anon@example.com" } },
      send("garbage@example.com", ["Bearer not-a-jwt"]),
    ]);
    expect(failure(results[0]!, "INVALID_ARGUMENT", "INVALID_ARGUMENT")).toContain("email: value must be a valid email address [string.email]");
    failure(results[1]!, "NOT_FOUND", "AUTH_REQUEST_NOT_FOUND");
    failure(results[2]!, "UNAUTHENTICATED", "UNAUTHENTICATED");
    failure(results[3]!, "UNAUTHENTICATED", "UNAUTHENTICATED");
  });

  it("fetches its token over https, verified against the CA as the SDK's requests call does, and sends with it", async () => {
    const [token] = await python.run(transport, [{ token: { url: `${mock.tls!.url}/oauth/token`, client_id: mock.clientId, client_secret: mock.clientSecret } }]);
    if (!token!.ok) throw new Error(`token over https failed: ${token!.code} ${token!.details}`);
    expect(token!.response).toMatchObject({ token_type: "Bearer", access_token: expect.any(String) });
    expect(await ok(send("tls-token@example.com", [`Bearer ${String(token!.response.access_token)}`]))).toMatchObject({ passwordless_type: "OTP" });
  });

  it("reaches the mock by the name localhost, which its certificate carries", async () => {
    const byName = transportFor(mock.tls!.url.replace("127.0.0.1", "localhost"), mock.tls!.ca);
    const [result] = await python.run(byName, [send("by-name@example.com")]);
    expect(result!.ok).toBe(true);
  });

  it("fails with UNAVAILABLE when it trusts another CA: the handshake is what refuses, no call reaches the mock", async () => {
    const other = await generateTls({ seed: "another-seed", names: ["localhost", "127.0.0.1"], now: new Date() });
    const [result] = await python.run({ ...transport, caPem: other.caPem! }, [send("untrusted@example.com")]);
    expect(result).toMatchObject({ ok: false, code: "UNAVAILABLE" });
    expect(mock.inbox.list({ to: "untrusted@example.com" })).toEqual([]);
  });

  describe("with two authorization entries, as the Python SDK sends them", () => {
    it("serves the call when the first is a valid token and the second garbage", async () => {
      expect(await ok(send("first-valid@example.com", [bearer, "Bearer garbage"]))).toMatchObject({ passwordless_type: "OTP" });
      expect(mock.inbox.list({ to: "first-valid@example.com" })).toHaveLength(1);
    });

    it("refuses the call with UNAUTHENTICATED when the first is garbage and the second a valid token", async () => {
      failure(await one(send("first-garbage@example.com", ["Bearer garbage", bearer])), "UNAUTHENTICATED", "UNAUTHENTICATED");
      expect(mock.inbox.list({ to: "first-garbage@example.com" })).toEqual([]);
    });
  });
});

describe("the transport the Python client is given", () => {
  it("is plaintext HTTP/2 to host:port for an http URL", () => {
    expect(transportFor("http://127.0.0.1:4000")).toEqual({ target: "127.0.0.1:4000" });
  });

  it("is TLS trusting the given CA for an https URL, on 443 when the URL names no port", () => {
    expect(transportFor("https://localhost:4443", "PEM")).toEqual({ target: "localhost:4443", caPem: "PEM" });
    expect(transportFor("https://mock.test", "PEM")).toEqual({ target: "mock.test:443", caPem: "PEM" });
  });

  it("refuses an https URL without the CA that signed the mock's certificate", () => {
    expect(() => transportFor("https://localhost:4443")).toThrow(/give the CA PEM/);
  });
});
