import { connect as http2Connect, constants } from "node:http2";
import { connect as tcpConnect } from "node:net";
import { createClient } from "@connectrpc/connect";
import { createConnectTransport, createGrpcTransport, createGrpcWebTransport } from "@connectrpc/connect-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PasswordlessService } from "../mock-server/src/grpc/gen/scalekit/v1/auth/passwordless_pb.js";
import { createMockScalekit, type MockScalekit } from "../mock-server/src/index.js";
import { fetchToken } from "./support/rest.js";

/** HTTP/1.1 and cleartext HTTP/2 on one port, told apart by the connection's first bytes. */

let mock: MockScalekit;
let token: string;
let port: number;

beforeAll(async () => {
  mock = await createMockScalekit();
  token = await fetchToken(mock.url, mock.clientId, mock.clientSecret);
  port = Number(new URL(mock.url).port);
});
afterAll(() => mock.close());

/** Writes raw bytes and reads until the server closes. */
function raw(bytes: string | Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = tcpConnect(port, "127.0.0.1", () => socket.end(bytes));
    let out = "";
    socket.on("data", (chunk) => (out += chunk.toString("latin1")));
    socket.on("close", () => resolve(out));
    socket.on("error", reject);
  });
}

function h2Request(path: string, headers: Record<string, string> = {}, body?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const session = http2Connect(mock.url);
    session.on("error", reject);
    const stream = session.request({ ":method": body === undefined ? "GET" : "POST", ":path": path, ...headers });
    let data = "";
    let status = 0;
    stream.on("response", (h) => (status = Number(h[constants.HTTP2_HEADER_STATUS])));
    stream.on("data", (chunk) => (data += chunk));
    stream.on("end", () => {
      session.close();
      resolve({ status, body: data });
    });
    stream.on("error", reject);
    stream.end(body);
  });
}

const authorize = (header: Headers) => header.set("authorization", `Bearer ${token}`);

describe("one port", () => {
  it("answers a raw HTTP/1.1 request", async () => {
    const response = await raw("GET /_mock/v1/health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
    expect(response.startsWith("HTTP/1.1 200 OK\r\n")).toBe(true);
    expect(response).toContain('"status":"ok"');
  });

  it("answers HTTP/1.1 requests whose method starts like the HTTP/2 preface", async () => {
    const response = await raw("PUT /_mock/v1/settings HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}");
    expect(response.startsWith("HTTP/1.1 200")).toBe(true);
  });

  it("D27: answers HTTP/2 (h2c, prior knowledge) for the control API, OAuth and REST", async () => {
    expect(await h2Request("/_mock/v1/health")).toMatchObject({ status: 200 });
    const form = new URLSearchParams({ grant_type: "client_credentials", client_id: mock.clientId, client_secret: mock.clientSecret }).toString();
    const tokenResponse = await h2Request("/oauth/token", { "content-type": "application/x-www-form-urlencoded" }, form);
    expect(tokenResponse.status).toBe(200);
    const sent = await h2Request(
      "/api/v1/passwordless/email/send",
      { "content-type": "application/json", authorization: `Bearer ${JSON.parse(tokenResponse.body).access_token}` },
      JSON.stringify({ email: "h2@example.com" }),
    );
    expect(sent.status).toBe(200);
    expect(JSON.parse(sent.body).passwordless_type).toBe("OTP");
  });

  it.each([
    ["gRPC over HTTP/2", () => createGrpcTransport({ baseUrl: mock.url, interceptors: [(next) => (req) => (authorize(req.header), next(req))] })],
    ["gRPC-Web over HTTP/1.1", () => createGrpcWebTransport({ baseUrl: mock.url, httpVersion: "1.1", interceptors: [(next) => (req) => (authorize(req.header), next(req))] })],
    ["Connect over HTTP/1.1", () => createConnectTransport({ baseUrl: mock.url, httpVersion: "1.1", interceptors: [(next) => (req) => (authorize(req.header), next(req))] })],
    ["Connect over HTTP/2", () => createConnectTransport({ baseUrl: mock.url, httpVersion: "2", interceptors: [(next) => (req) => (authorize(req.header), next(req))] })],
  ])("serves PasswordlessService with %s", async (_name, transport) => {
    const client = createClient(PasswordlessService, transport());
    const sent = await client.sendPasswordlessEmail({ email: "rpc@example.com" });
    const { code } = await mock.inbox.waitForOtp("rpc@example.com");
    const verified = await client.verifyPasswordlessEmail({ authCredential: { case: "code", value: code }, authRequestId: sent.authRequestId });
    expect(verified.email).toBe("rpc@example.com");
  });

  it("answers an unknown gRPC method with HTTP 404 (which gRPC clients read as Unimplemented) and keeps serving", async () => {
    const response = await h2Request(
      "/scalekit.v1.auth.passwordless.PasswordlessService/DeletePasswordlessEmail",
      { "content-type": "application/grpc", te: "trailers" },
      "",
    );
    expect(response.status).toBe(404);
    expect((await h2Request("/_mock/v1/health")).status).toBe(200);
  });

  it("survives garbage, a truncated preface and a bad HTTP/2 frame", async () => {
    expect(await raw("\x00\x01\x02 not http at all\r\n\r\n")).toContain("400 Bad Request");
    await raw("PRI * HTTP/2");
    await raw(Buffer.concat([Buffer.from("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"), Buffer.from([0, 0, 4, 99, 0, 0, 0, 0, 1, 1, 2, 3, 4])]));
    expect(await raw("GET /_mock/v1/health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")).toContain("200 OK");
    expect((await h2Request("/_mock/v1/health")).status).toBe(200);
  });
});
