import { Agent } from "node:http";
import { createServer as createHttp2Server, type Http2Server } from "node:http2";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { ErrorInfoSchema } from "../mock-server/src/grpc/gen/scalekit/v1/errdetails/errdetails_pb.js";
import { SendPasswordlessRequestSchema } from "../mock-server/src/grpc/gen/scalekit/v1/auth/passwordless_pb.js";
import { connectListener } from "../mock-server/src/grpc/connect-listener.js";
import { grpcContextValues, passwordlessRoutes } from "../mock-server/src/grpc/passwordless-service.js";
import { createMockScalekit, type MockScalekit } from "../mock-server/src/index.js";
import type { ScalekitCalls } from "../mock-server/src/services/scalekit-call.js";
import { fromBinary } from "@bufbuild/protobuf";
import { grpcFrame, grpcFrames, grpcOverHttp1, grpcOverHttp2, grpcRequest, grpcStatusOf, type GrpcCall, type HeaderList, type ListAnswer } from "./support/grpc-wire.js";
import { decodeStatusDetails } from "./support/grpc-wire.js";
import { fetchToken } from "./support/rest.js";

/**
 * Every error a gRPC call gets carries `grpc-status-details-bin`, a
 * google.rpc.Status whose code and message are the trailers' grpc-status and
 * (percent-decoded) grpc-message: the Python SDK reads the details of every
 * error, raises AttributeError without them and ValueError when they differ.
 */

let mock: MockScalekit;
let token: string;
// Keep-alive, so that an answer sent before the request body was read does not race a closing socket.
const agent = new Agent({ keepAlive: true });

beforeAll(async () => {
  mock = await createMockScalekit({ seed: "status-details" });
  token = await fetchToken(mock.url, mock.clientId, mock.clientSecret);
});
afterAll(async () => {
  agent.destroy();
  await mock.close();
});
beforeEach(() => mock.reset());

const TRANSPORTS = ["HTTP/2", "HTTP/1.1"] as const;
type Transport = (typeof TRANSPORTS)[number];

function call(transport: Transport, request: GrpcCall, baseUrl = mock.url): Promise<ListAnswer> {
  return transport === "HTTP/2" ? grpcOverHttp2(baseUrl, request) : grpcOverHttp1(baseUrl, request, "length", agent);
}

const grpcHeaders = (...extra: HeaderList): HeaderList => [["content-type", "application/grpc"], ["te", "trailers"], ["authorization", `Bearer ${token}`], ...extra];
const send = (email: string) => grpcRequest(SendPasswordlessRequestSchema, { email });

/** The status the trailers give, and the status the details give: equal, as the Python SDK demands. */
function expectMatchingDetails(answer: ListAnswer) {
  const status = grpcStatusOf(answer);
  expect(status.code, JSON.stringify(answer.trailers)).toBeGreaterThan(0);
  expect(status.details, "grpc-status-details-bin").toBeDefined();
  expect({ code: status.details!.code, message: status.details!.message }).toEqual({ code: status.code, message: status.message });
  return status;
}

const errorCodesOf = (details: { details: Array<{ typeUrl: string; value: Uint8Array }> }) =>
  details.details.map((any) => (any.typeUrl.endsWith("/scalekit.v1.errdetails.ErrorInfo") ? fromBinary(ErrorInfoSchema, any.value).errorCode : any.typeUrl));

describe.each(TRANSPORTS)("gRPC errors over %s", (transport) => {
  it.each([
    { what: "a message that does not decode", code: 13, headers: [], body: () => grpcFrame(Buffer.from([0xff])) },
    { what: "a message over the size limit", code: 8, headers: [], body: () => grpcFrame(Buffer.alloc(100_000, 1)) },
    { what: "a call without a message", code: 12, headers: [], body: () => Buffer.alloc(0) },
    { what: "a unary call with two messages", code: 12, headers: [], body: () => Buffer.concat([send("a@example.com"), send("b@example.com")]) },
    { what: "an unknown message compression", code: 12, headers: [["grpc-encoding", "snappy"]] as const, body: () => send("a@example.com") },
    { what: "a grpc-timeout that does not parse", code: 3, headers: [["grpc-timeout", "soon"]] as const, body: () => send("a@example.com") },
  ])("D42: answers $what (code $code), which connect-es refuses itself, with details of the same code and message and nothing else", async ({ code, headers, body }) => {
    const answer = await call(transport, { method: "SendPasswordlessEmail", headers: grpcHeaders(...headers), body: body() });
    expect(answer.status).toBe(200);
    const status = expectMatchingDetails(answer);
    expect(status.code).toBe(code);
    expect(status.details!.details).toEqual([]);
  });

  it("answers a Scalekit error with details that match its status and carry ErrorInfo, a message with non-ASCII text included", async () => {
    const invalid = expectMatchingDetails(await call(transport, { method: "SendPasswordlessEmail", headers: grpcHeaders(), body: send("nope") }));
    expect([invalid.code, errorCodesOf(invalid.details!)]).toEqual([3, ["INVALID_ARGUMENT"]]);
    const body = grpcRequest(SendPasswordlessRequestSchema, { email: "a@example.com", templateVariables: { é: "x" } });
    const accented = expectMatchingDetails(await call(transport, { method: "SendPasswordlessEmail", headers: grpcHeaders(), body }));
    expect(accented.message).toContain("é");
  });

  it("answers an unauthenticated call and the errors and rate limits of fault rules with matching details", async () => {
    const anonymous = expectMatchingDetails(await call(transport, { method: "SendPasswordlessEmail", headers: [["content-type", "application/grpc"]], body: send("a@example.com") }));
    expect([anonymous.code, errorCodesOf(anonymous.details!)]).toEqual([16, ["UNAUTHENTICATED"]]);
    mock.faults.add({ operation: "send", error: "Unavailable", times: 1 });
    const unavailable = expectMatchingDetails(await call(transport, { method: "SendPasswordlessEmail", headers: grpcHeaders(), body: send("a@example.com") }));
    expect(unavailable.code).toBe(14);
    mock.faults.add({ operation: "send", rateLimit: { retryAfter: 2 }, times: 1 });
    const limited = expectMatchingDetails(await call(transport, { method: "SendPasswordlessEmail", headers: grpcHeaders(), body: send("a@example.com") }));
    expect([limited.code, errorCodesOf(limited.details!)]).toEqual([8, ["RATE_LIMITED"]]);
  });

  it("answers a successful call with grpc-status 0 and no details", async () => {
    const answer = await call(transport, { method: "SendPasswordlessEmail", headers: grpcHeaders(), body: send("a@example.com") });
    expect(answer.trailers["grpc-status"]).toBe("0");
    expect(answer.trailers["grpc-status-details-bin"]).toBeUndefined();
  });
});

describe("internal errors over gRPC", () => {
  let server: Http2Server;
  let url: string;
  beforeAll(async () => {
    // The real service and listener over a pipeline that fails as a bug would.
    const broken = { call: () => Promise.reject(new Error("a bug in the pipeline")) } as unknown as ScalekitCalls;
    const listener = connectListener({
      register: passwordlessRoutes({ scalekit: broken }),
      contextValues: grpcContextValues,
      readMaxBytes: 65_536,
      fallback: (_request, response) => void response.writeHead(404).end(),
    });
    server = createHttp2Server((request, response) => void listener(request, response));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("answer Internal with ErrorInfo INTERNAL, as REST does, in details that match the status", async () => {
    const logged = vi.spyOn(console, "error").mockImplementation(() => undefined);
    try {
      const answer = await grpcOverHttp2(url, { method: "SendPasswordlessEmail", headers: [["content-type", "application/grpc"]], body: send("a@example.com") });
      const status = expectMatchingDetails(answer);
      expect(status.code).toBe(13);
      expect(status.message).toMatch(/^internal error in scalekit-mock; this is a bug/);
      expect(errorCodesOf(status.details!)).toEqual(["INTERNAL"]);
      expect(logged).toHaveBeenCalledOnce();
    } finally {
      logged.mockRestore();
    }
  });
});

describe("gRPC-Web errors", () => {
  const web = (): HeaderList => [["content-type", "application/grpc-web+proto"], ["authorization", `Bearer ${token}`]];

  /** The trailers of a gRPC-Web answer: its last frame, flagged 0x80. */
  function webTrailers(answer: ListAnswer): ListAnswer {
    const last = grpcFrames(answer.body).at(-1)!;
    expect(last.flags).toBe(0x80);
    const trailers: ListAnswer["trailers"] = {};
    for (const line of last.data.toString("latin1").split("\r\n").filter(Boolean)) {
      const colon = line.indexOf(":");
      trailers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    return { ...answer, trailers };
  }

  it("D42: carry the details in the body's trailer frame, for errors connect-es answers itself and for Scalekit's", async () => {
    const undecodable = await grpcOverHttp1(mock.url, { method: "SendPasswordlessEmail", headers: web(), body: grpcFrame(Buffer.from([0xff])) }, "length", agent);
    const parse = expectMatchingDetails(webTrailers(undecodable));
    expect([parse.code, parse.details!.details]).toEqual([13, []]);
    const invalid = await grpcOverHttp1(mock.url, { method: "SendPasswordlessEmail", headers: web(), body: send("nope") }, "length", agent);
    const status = expectMatchingDetails(webTrailers(invalid));
    expect(errorCodesOf(status.details!)).toEqual(["INVALID_ARGUMENT"]);
    expect(decodeStatusDetails(webTrailers(invalid).trailers["grpc-status-details-bin"])!.code).toBe(3);
  });
});
