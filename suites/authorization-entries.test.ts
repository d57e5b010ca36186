import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { SendPasswordlessRequestSchema, SendPasswordlessResponseSchema } from "../mock-server/src/grpc/gen/scalekit/v1/auth/passwordless_pb.js";
import { createMockScalekit, type MockScalekit } from "../mock-server/src/index.js";
import { grpcOverHttp1, grpcOverHttp2, grpcRequest, grpcResponse, grpcStatusOf } from "./support/grpc-wire.js";
import { sendHttp1, sendHttp2, type HeaderList, type ListAnswer, type ListRequest } from "./support/header-list-http.js";
import { fetchToken } from "./support/rest.js";

/**
 * A request with several `authorization` entries, as the Python SDK makes
 * every call (its own entry first, then the call credentials'): the first
 * decides, on every transport and route that reads one, and the entries are
 * never joined into one credential.
 */

const ADMIN_TOKEN = "admin-token-of-the-authorization-suite";
let mock: MockScalekit;
let token: string;

beforeAll(async () => {
  mock = await createMockScalekit({ seed: "authorization-entries", adminToken: ADMIN_TOKEN });
  token = await fetchToken(mock.url, mock.clientId, mock.clientSecret);
});
afterAll(() => mock.close());
beforeEach(() => mock.reset());

const PROTOCOLS = ["HTTP/1.1", "HTTP/2"] as const;
type Protocol = (typeof PROTOCOLS)[number];

const sendOver = (protocol: Protocol, request: ListRequest): Promise<ListAnswer> =>
  protocol === "HTTP/2" ? sendHttp2(mock.url, request) : sendHttp1(mock.url, request, "length");

const entries = (...values: string[]): HeaderList => values.map((value) => ["authorization", value] as const);
const json = (answer: ListAnswer) => JSON.parse(answer.body.toString("utf8"));

describe.each(PROTOCOLS)("several authorization entries over %s", (protocol) => {
  const restSend = (...authorization: string[]) =>
    sendOver(protocol, {
      method: "POST",
      path: "/api/v1/passwordless/email/send",
      headers: [["content-type", "application/json"], ...entries(...authorization)],
      body: Buffer.from(JSON.stringify({ email: "two@example.com" })),
    });

  it("D43: REST accepts a call whose first entry is a valid token and whose second is garbage", async () => {
    const answer = await restSend(`Bearer ${token}`, "Bearer garbage");
    expect(answer.status, answer.body.toString()).toBe(200);
    expect(json(answer).auth_request_id).toBe(mock.inbox.latest({ to: "two@example.com" })!.authRequestId);
  });

  it("D43: REST refuses a call whose first entry is garbage, even with a valid token second", async () => {
    const answer = await restSend("Bearer garbage", `Bearer ${token}`);
    expect(answer.status).toBe(401);
    expect(json(answer)).toMatchObject({ code: 16, details: [{ error_code: "UNAUTHENTICATED" }] });
  });

  const grpcSend = (...authorization: string[]) => {
    const call = {
      method: "SendPasswordlessEmail",
      headers: [["content-type", "application/grpc"], ["te", "trailers"], ...entries(...authorization)] as HeaderList,
      body: grpcRequest(SendPasswordlessRequestSchema, { email: "two@example.com" }),
    };
    return protocol === "HTTP/2" ? grpcOverHttp2(mock.url, call) : grpcOverHttp1(mock.url, call, "length");
  };

  it("D43: gRPC accepts a call whose first entry is a valid token and whose second is garbage", async () => {
    const answer = await grpcSend(`Bearer ${token}`, "Bearer garbage");
    expect(answer.trailers["grpc-status"], JSON.stringify(answer.trailers)).toBe("0");
    expect(grpcResponse(SendPasswordlessResponseSchema, answer).authRequestId).toBe(mock.inbox.latest({ to: "two@example.com" })!.authRequestId);
  });

  it("D43: gRPC refuses a call whose first entry is garbage, even with a valid token second", async () => {
    const status = grpcStatusOf(await grpcSend("Bearer garbage", `Bearer ${token}`));
    expect(status.code).toBe(16);
  });

  const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString("base64")}`;
  const tokenRequest = (...authorization: string[]) =>
    sendOver(protocol, {
      method: "POST",
      path: "/oauth/token",
      headers: [["content-type", "application/x-www-form-urlencoded"], ...entries(...authorization)],
      body: Buffer.from("grant_type=client_credentials"),
    });

  it("D43: the token endpoint takes the client credentials of the first Basic entry", async () => {
    const issued = await tokenRequest(basic(mock.clientId, mock.clientSecret), basic(mock.clientId, "wrong"));
    expect(issued.status, issued.body.toString()).toBe(200);
    expect(json(issued).access_token).toEqual(expect.any(String));
    const refused = await tokenRequest(basic(mock.clientId, "wrong"), basic(mock.clientId, mock.clientSecret));
    expect(refused.status).toBe(401);
    expect(json(refused).error).toBe("invalid_client");
  });

  it("D43: the control API takes the admin token of the first entry", async () => {
    const settings = (...authorization: string[]) => sendOver(protocol, { method: "GET", path: "/_mock/v1/settings", headers: entries(...authorization), body: Buffer.alloc(0) });
    expect((await settings(`Bearer ${ADMIN_TOKEN}`, "Bearer garbage")).status).toBe(200);
    expect((await settings("Bearer garbage", `Bearer ${ADMIN_TOKEN}`)).status).toBe(401);
  });
});

describe("one authorization value holding several credentials", () => {
  it("D43: is read up to its first comma, as the first of the entries a client joined", async () => {
    const call = (authorization: string) =>
      fetch(`${mock.url}/api/v1/passwordless/email/send`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization },
        body: JSON.stringify({ email: "joined@example.com" }),
      });
    expect((await call(`Bearer ${token}, Bearer garbage`)).status).toBe(200);
    expect((await call(`Bearer garbage, Bearer ${token}`)).status).toBe(401);
  });
});
