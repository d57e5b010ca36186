import { connect as http2Connect, constants } from "node:http2";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { controlErrorBody, gatewayErrorBody } from "../mock-server/src/schemas/scalekit.js";
import { createMockScalekit, type MockScalekit } from "../mock-server/src/index.js";
import { RawClient } from "./support/raw-http.js";
import { fetchToken } from "./support/rest.js";

/**
 * Random and mutated input on every route: never a 5xx, never a hang, and
 * every error body in the shape its API promises. Bounded in runs and time.
 */

let mock: MockScalekit;
let token: string;
const RUNS = { numRuns: 120, interruptAfterTimeLimit: 8_000 };

beforeAll(async () => {
  mock = await createMockScalekit({ seed: "fuzz" });
  token = await fetchToken(mock.url, mock.clientId, mock.clientSecret);
});
afterAll(() => mock.close());

async function call(method: string, path: string, body?: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${mock.url}${path}`, { method, headers, ...(body !== undefined && { body }), signal: AbortSignal.timeout(5_000) });
  const text = await response.text();
  return { status: response.status, text, type: response.headers.get("content-type") ?? "" };
}

function expectWellFormed(result: { status: number; text: string; type: string }, path: string) {
  expect(result.status, `${path}: ${result.text.slice(0, 300)}`).toBeLessThan(500);
  if (result.status < 400 || !result.type.includes("json")) return;
  const body = JSON.parse(result.text);
  // fetch resolves dot segments before sending: "/_mock/v1/../.." arrives as "/", a Scalekit path.
  const sent = new URL(path, "http://mock").pathname;
  const schema = sent.startsWith("/_mock") ? controlErrorBody : sent.startsWith("/oauth") ? undefined : gatewayErrorBody;
  if (schema) expect(schema.safeParse(body).success, `${path}: ${result.text.slice(0, 300)}`).toBe(true);
}

const SCALEKIT = ["/api/v1/passwordless/email/send", "/api/v1/passwordless/email/resend", "/api/v1/passwordless/email/verify"];
const fieldValue = fc.oneof(fc.string(), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.array(fc.string()), fc.dictionary(fc.string(), fc.oneof(fc.string(), fc.integer())));
const mutatedBody = fc.record(
  {
    email: fc.oneof(fc.emailAddress(), fieldValue),
    template: fc.oneof(fc.constantFrom("SIGNIN", "SIGNUP", "UNSPECIFIED", 0, 1, 2, 9), fieldValue),
    magiclink_auth_uri: fc.oneof(fc.webUrl(), fieldValue),
    state: fieldValue,
    expires_in: fc.oneof(fc.integer({ min: -10, max: 100_000 }), fieldValue),
    template_variables: fc.oneof(fc.dictionary(fc.string(), fc.string(), { maxKeys: 40 }), fieldValue),
    code: fieldValue,
    link_token: fieldValue,
    auth_request_id: fieldValue,
    authRequestId: fieldValue,
  },
  { requiredKeys: [] },
);

describe("fuzzing the Scalekit REST API", () => {
  it("answers mutated bodies without a 5xx, in the gateway error shape", async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...SCALEKIT), mutatedBody, async (path, body) => {
        expectWellFormed(await call("POST", path, JSON.stringify(body), { "content-type": "application/json", authorization: `Bearer ${token}` }), path);
      }),
      RUNS,
    );
  });

  it("answers random bytes, content types and authorization headers", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...SCALEKIT, "/oauth/token"),
        fc.oneof(fc.string(), fc.json(), fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b).toString("latin1"))),
        fc.constantFrom("application/json", "application/json; charset=utf-8", "text/plain", "application/x-www-form-urlencoded", "", "application/vnd.api+json"),
        fc.oneof(fc.constant(`Bearer ${token}`), fc.string(), fc.constant("Bearer "), fc.constant("Basic Og==")),
        async (path, body, type, authorization) => {
          const headers: Record<string, string> = { authorization: authorization.replace(/[^\t\x20-\x7e]/g, "") };
          if (type) headers["content-type"] = type;
          expectWellFormed(await call("POST", path, body, headers), path);
        },
      ),
      RUNS,
    );
  });
});

describe("fuzzing the control API", () => {
  const queryable = ["/_mock/v1/emails", "/_mock/v1/emails/latest", "/_mock/v1/otp", "/_mock/v1/requests", "/_mock/v1/auth-requests"];
  const param = fc.stringMatching(/^[\w%.:@*-]{0,20}$/);

  it("answers random query strings without a 5xx", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...queryable),
        fc.dictionary(fc.constantFrom("to", "email", "after", "limit", "wait", "auth_request_id", "operation", "status", "since", "transport", "x"), param),
        async (path, query) => {
          // Long-polls must not hold the run: cap their wait.
          if (query.wait !== undefined) query.wait = "0";
          const search = new URLSearchParams(query).toString();
          expectWellFormed(await call("GET", `${path}?${search}`), path);
        },
      ),
      RUNS,
    );
  });

  it("answers random bodies to every writing route without a 5xx, in the control error shape", async () => {
    const routes: Array<[string, string]> = [
      ["PUT", "/_mock/v1/settings"],
      ["POST", "/_mock/v1/clock"],
      ["POST", "/_mock/v1/faults"],
      ["POST", "/_mock/v1/environments"],
      ["PUT", "/_mock/v1/snapshot"],
    ];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...routes), fc.oneof(fc.json(), fc.string()), async ([method, path], body) => {
        expectWellFormed(await call(method, path, body, { "content-type": "application/json" }), path);
      }),
      RUNS,
    );
    await mock.clock.reset();
    mock.faults.clear();
  });

  it("answers random paths without a 5xx", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom("/_mock/v1/", "/_mock/v1/environments/", "/api/v1/passwordless/email/", "/"),
        fc.stringMatching(/^[\w./%-]{0,40}$/),
        fc.constantFrom("GET", "POST", "PUT", "DELETE", "PATCH"),
        async (prefix, rest, method) => {
          const path = `${prefix}${rest}`.replace(/\/{2,}/g, "/");
          if (/\/events$/.test(path)) return; // an event stream never ends by design
          if (/^\/_mock\/v1\/environments\/default$/.test(path) && method === "DELETE") return;
          expectWellFormed(await call(method, path, method === "GET" ? undefined : "{}", { "content-type": "application/json" }), path);
        },
      ),
      RUNS,
    );
  });
});

describe("malformed gRPC", () => {
  function grpc(path: string, body: Buffer, contentType = "application/grpc"): Promise<{ status: number; grpcStatus?: string }> {
    return new Promise((resolve, reject) => {
      const session = http2Connect(mock.url);
      session.on("error", reject);
      const stream = session.request({ ":method": "POST", ":path": path, "content-type": contentType, te: "trailers", authorization: `Bearer ${token}` });
      let status = 0;
      let grpcStatus: string | undefined;
      stream.on("response", (h) => {
        status = Number(h[constants.HTTP2_HEADER_STATUS]);
        grpcStatus ??= h["grpc-status"] as string | undefined;
      });
      const done = () => {
        session.destroy();
        resolve({ status, ...(grpcStatus !== undefined && { grpcStatus }) });
      };
      // gRPC clients stop at the trailers; a refused oversized body need not be read to its end.
      stream.on("trailers", (t) => {
        grpcStatus = t["grpc-status"] as string | undefined;
        done();
      });
      stream.on("close", done);
      stream.on("error", () => undefined);
      stream.resume();
      stream.end(body);
    });
  }
  const SEND = "/scalekit.v1.auth.passwordless.PasswordlessService/SendPasswordlessEmail";
  const frame = (payload: Buffer, declared = payload.length) => {
    const head = Buffer.alloc(5);
    head.writeUInt32BE(declared, 1);
    return Buffer.concat([head, payload]);
  };

  // An undecodable message gets Internal, as from grpc-go and Connect ("parse binary"); what matters
  // is a status, no HTTP 5xx, and a server that goes on serving.
  it("answers bad frames, truncated and garbage messages with a gRPC status", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b)),
        fc.constantFrom("frame", "truncated", "raw", "overlong"),
        async (payload, kind) => {
          const body = kind === "frame" ? frame(payload) : kind === "truncated" ? frame(payload, payload.length + 10) : kind === "overlong" ? frame(payload, 70_000) : payload;
          const result = await grpc(SEND, body);
          expect(result.status).toBeLessThan(500);
          expect(result.grpcStatus, JSON.stringify(result)).toBeDefined();
          expect(Number(result.grpcStatus)).toBeGreaterThanOrEqual(0);
        },
      ),
      { numRuns: 60, interruptAfterTimeLimit: 8_000 },
    );
    expect((await fetch(`${mock.url}/_mock/v1/health`)).status).toBe(200);
  });

  it("D32: answers an undecodable Connect message with 400 invalid_argument, not a 5xx, over HTTP/1.1 and HTTP/2", async () => {
    const url = `${mock.url}${SEND}`;
    const headers = { "content-type": "application/proto", authorization: `Bearer ${token}` };
    const h1 = await fetch(url, { method: "POST", headers, body: Buffer.from([0x0a, 0x05, 0x61]) });
    expect(h1.status).toBe(400);
    expect(await h1.json()).toMatchObject({ code: "invalid_argument", message: expect.stringMatching(/^parse binary:/) });
    const h2 = await new RawClient(mock.url).send("http2", { method: "POST", path: SEND, headers, body: Buffer.from([0xff]) });
    expect(h2.status).toBe(400);
    // A message that decodes still reaches the service (and its own validation).
    const valid = await fetch(url, { method: "POST", headers, body: Buffer.alloc(0) });
    expect(valid.status).toBe(400);
    expect(await valid.json()).toMatchObject({ code: "invalid_argument", message: expect.not.stringMatching(/^parse binary/) });
  });

  it("answers a wrong content type, an unknown method and a huge message, and keeps serving", async () => {
    expect((await grpc(SEND, frame(Buffer.alloc(0)), "text/plain")).status).toBe(415);
    expect((await grpc("/scalekit.v1.auth.passwordless.PasswordlessService/Nope", frame(Buffer.alloc(0)))).status).toBe(404);
    expect((await grpc(SEND, frame(Buffer.alloc(100_000, 1)))).grpcStatus).toBe("8");
    expect((await fetch(`${mock.url}/_mock/v1/health`)).status).toBe(200);
    expect((await grpc(SEND, frame(Buffer.alloc(0)))).grpcStatus).toBe("3");
  });
});
