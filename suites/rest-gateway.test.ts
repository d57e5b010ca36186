import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMockScalekit, type MockScalekit } from "../mock-server/src/index.js";
import { post, restSession, type RestSession } from "./support/rest.js";

/** How the REST transcoding answers where it follows grpc-gateway rather than anything Scalekit publishes. */

let mock: MockScalekit;
let api: RestSession;

beforeAll(async () => {
  mock = await createMockScalekit({ seed: "rest-gateway" });
  api = await restSession(mock);
});
afterAll(() => mock.close());

const SEND = "/api/v1/passwordless/email/send";

describe("the REST passwordless endpoints", () => {
  it("D28: decode the body before checking the token, and check the token before the field rules", async () => {
    const badJsonNoToken = await post(mock.url, SEND, "{not json");
    expect([badJsonNoToken.status, badJsonNoToken.body.code]).toEqual([400, 3]);
    const badFieldNoToken = await post(mock.url, SEND, { email: "not an address" });
    expect([badFieldNoToken.status, badFieldNoToken.body.code]).toEqual([401, 16]);
    const badFieldWithToken = await api.send({ email: "not an address" });
    expect([badFieldWithToken.status, badFieldWithToken.body.code]).toEqual([400, 3]);
    expect(badFieldWithToken.body.message).toContain("[string.email]");
  });

  it("D39: answer another method than POST with 405, Allow: POST and gRPC code 12 without details", async () => {
    for (const method of ["GET", "PUT", "DELETE"]) {
      const response = await fetch(`${mock.url}${SEND}`, { method, headers: { authorization: `Bearer ${api.token}` } });
      expect(response.status, method).toBe(405);
      expect(response.headers.get("allow")).toBe("POST");
      expect(await response.json()).toEqual({ code: 12, message: "Method Not Allowed", details: [] });
    }
  });
});
