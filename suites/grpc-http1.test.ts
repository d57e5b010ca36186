import { Agent } from "node:http";
import type { Socket } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { fromBinary } from "@bufbuild/protobuf";
import { ErrorInfoSchema } from "../mock-server/src/grpc/gen/scalekit/v1/errdetails/errdetails_pb.js";
import {
  SendPasswordlessRequestSchema,
  SendPasswordlessResponseSchema,
  VerifyPasswordLessRequestSchema,
  VerifyPasswordLessResponseSchema,
} from "../mock-server/src/grpc/gen/scalekit/v1/auth/passwordless_pb.js";
import { createMockScalekit, type MockScalekit } from "../mock-server/src/index.js";
import { grpcOverHttp1, grpcRequest, grpcResponse, grpcStatusOf, type HeaderList, type ListAnswer } from "./support/grpc-wire.js";
import { fetchToken } from "./support/rest.js";

/**
 * gRPC over HTTP/1.1, as connect-go (the Go SDK) speaks it to an `http://`
 * URL, Go having no cleartext HTTP/2: a POST with `content-type:
 * application/grpc`, `te: trailers`, the body with a Content-Length or
 * chunked; the answer chunked, with grpc-status, grpc-message and
 * grpc-status-details-bin as trailers after the body.
 */

let mock: MockScalekit;
let token: string;

beforeAll(async () => {
  mock = await createMockScalekit({ seed: "grpc-http1" });
  token = await fetchToken(mock.url, mock.clientId, mock.clientSecret);
});
afterAll(() => mock.close());
beforeEach(() => mock.reset());

/** The headers connect-go sends with `connect.WithGRPC()`. */
const goHeaders = (contentType = "application/grpc"): HeaderList => [
  ["content-type", contentType],
  ["te", "trailers"],
  ["grpc-accept-encoding", "gzip"],
  ["grpc-timeout", "10000m"],
  ["user-agent", "grpc-go-connect/1.18.1 (go1.23.0)"],
  ["authorization", `Bearer ${token}`],
];

/** What makes a gRPC answer over HTTP/1.1 readable: 200, gRPC content type, chunked with no Content-Length, trailers after the body. */
function expectGrpcFraming(answer: ListAnswer) {
  expect(answer.status).toBe(200);
  expect(answer.headers["content-type"]).toMatch(/^application\/grpc/);
  expect(answer.headers["transfer-encoding"]).toBe("chunked");
  expect(answer.headers["content-length"]).toBeUndefined();
  // grpc-status is a trailer, not a header: a client reads it after the body.
  expect(answer.headers["grpc-status"]).toBeUndefined();
  expect(answer.trailers["grpc-status"]).toBeDefined();
}

describe.each(["length", "chunked"] as const)("gRPC over HTTP/1.1 with a %s request body", (body) => {
  it.each(["application/grpc", "application/grpc+proto"])("sends with content type %s: the message decodes, grpc-status 0 comes in the trailers", async (contentType) => {
    const answer = await grpcOverHttp1(
      mock.url,
      { method: "SendPasswordlessEmail", headers: goHeaders(contentType), body: grpcRequest(SendPasswordlessRequestSchema, { email: "go@example.com", state: "st" }) },
      body,
    );
    expectGrpcFraming(answer);
    expect(answer.trailers["grpc-status"]).toBe("0");
    const sent = grpcResponse(SendPasswordlessResponseSchema, answer);
    expect(sent.authRequestId).toBe(mock.inbox.latest({ to: "go@example.com" })!.authRequestId);
    expect(sent.expiresIn).toBe(300);
  });

  it("answers a wrong code with InvalidArgument: status, message and details as trailers, the details equal to the status", async () => {
    const sendAnswer = await grpcOverHttp1(mock.url, { method: "SendPasswordlessEmail", headers: goHeaders(), body: grpcRequest(SendPasswordlessRequestSchema, { email: "go@example.com" }) }, body);
    const { authRequestId } = grpcResponse(SendPasswordlessResponseSchema, sendAnswer);
    const wrong = grpcRequest(VerifyPasswordLessRequestSchema, { authCredential: { case: "code", value: "000000" }, authRequestId });
    const answer = await grpcOverHttp1(mock.url, { method: "VerifyPasswordlessEmail", headers: goHeaders(), body: wrong }, body);
    expectGrpcFraming(answer);
    expect(answer.body.length).toBe(0);
    const status = grpcStatusOf(answer);
    expect(status.code).toBe(3);
    expect(status.message).toContain(`invalid code for auth request "${authRequestId}"`);
    expect({ code: status.details!.code, message: status.details!.message }).toEqual({ code: status.code, message: status.message });
    const [info] = status.details!.details;
    expect(info!.typeUrl).toBe("type.googleapis.com/scalekit.v1.errdetails.ErrorInfo");
    expect(fromBinary(ErrorInfoSchema, info!.value).errorCode).toBe("OTP_INVALID");
  });

  it("verifies the code from the email, answering the verify message", async () => {
    const sendAnswer = await grpcOverHttp1(mock.url, { method: "SendPasswordlessEmail", headers: goHeaders(), body: grpcRequest(SendPasswordlessRequestSchema, { email: "go@example.com", state: "st" }) }, body);
    const { authRequestId } = grpcResponse(SendPasswordlessResponseSchema, sendAnswer);
    const { code } = await mock.inbox.waitForOtp("go@example.com");
    const verify = grpcRequest(VerifyPasswordLessRequestSchema, { authCredential: { case: "code", value: code }, authRequestId });
    const answer = await grpcOverHttp1(mock.url, { method: "VerifyPasswordlessEmail", headers: goHeaders(), body: verify }, body);
    expectGrpcFraming(answer);
    const verified = grpcResponse(VerifyPasswordLessResponseSchema, answer);
    expect([verified.email, verified.state]).toEqual(["go@example.com", "st"]);
  });
});

describe("gRPC over an HTTP/1.1 keep-alive connection", () => {
  it("serves several calls, successes and errors, one after the other on the same connection", async () => {
    const sockets = new Set<Socket>();
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    agent.on("free", (socket: Socket) => sockets.add(socket));
    try {
      const statuses: Array<string | string[] | undefined> = [];
      for (const [email, body] of [["a@example.com", "chunked"], ["not an address", "length"], ["b@example.com", "length"], ["", "chunked"]] as const) {
        const answer = await grpcOverHttp1(mock.url, { method: "SendPasswordlessEmail", headers: goHeaders(), body: grpcRequest(SendPasswordlessRequestSchema, { email }) }, body, agent);
        expectGrpcFraming(answer);
        statuses.push(answer.trailers["grpc-status"]);
      }
      expect(statuses).toEqual(["0", "3", "0", "3"]);
      expect(sockets.size).toBe(1);
    } finally {
      agent.destroy();
    }
  });
});
