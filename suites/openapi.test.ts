import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OPENAPI_DOCUMENTS } from "../mock-server/src/openapi/build.js";
import { controlRoutes, scalekitRoutes, type RouteDoc } from "../mock-server/src/openapi/routes.js";
import { createMockScalekit, type MockScalekit } from "../mock-server/src/index.js";
import { packageVersion } from "../mock-server/src/runtime/package-root.js";
import { ROOT } from "./support/cli.js";
import { fetchToken } from "./support/rest.js";

/** The OpenAPI documents are generated from the zod schemas, and the real responses of every route match them. */

let mock: MockScalekit;
let token: string;
const covered = new Set<string>();
const routes = [...scalekitRoutes, ...controlRoutes];

beforeAll(async () => {
  mock = await createMockScalekit({ seed: "openapi" });
  token = await fetchToken(mock.url, mock.clientId, mock.clientSecret);
});
afterAll(() => mock.close());

function routeFor(method: string, path: string): RouteDoc {
  const route = routes.find((r) => r.method === method && new RegExp(`^${r.path.replace(/\{\w+\}/g, "[^/]+")}$`).test(path));
  if (!route) throw new Error(`no documented route for ${method.toUpperCase()} ${path}`);
  return route;
}

/** Calls the mock and checks the answer against the documented schema of its status. */
async function check(method: "get" | "post" | "put" | "delete", path: string, body?: unknown, headers: Record<string, string> = {}) {
  const route = routeFor(method, path.split("?")[0]!);
  const form = route.bodyType === "application/x-www-form-urlencoded";
  const response = await fetch(`${mock.url}${path}`, {
    method: method.toUpperCase(),
    headers: { ...(body !== undefined && { "content-type": form ? "application/x-www-form-urlencoded" : "application/json" }), ...headers },
    ...(body !== undefined && { body: form ? new URLSearchParams(body as Record<string, string>) : JSON.stringify(body) }),
  });
  const documented = route.responses[response.status] ?? route.responses.default;
  expect(documented, `${method.toUpperCase()} ${path} answered ${response.status}, which is not documented`).toBeDefined();
  covered.add(`${route.method} ${route.path}`);
  if (!documented!.schema) {
    await response.body?.cancel();
    return undefined;
  }
  const json = await response.json();
  const parsed = documented!.schema.safeParse(json);
  expect(parsed.success, `${method.toUpperCase()} ${path} ${response.status}: ${JSON.stringify(parsed.error?.issues)}\n${JSON.stringify(json).slice(0, 400)}`).toBe(true);
  return json as any;
}

describe("OpenAPI documents", () => {
  it("are committed as generated from the schemas (npm run generate:openapi)", () => {
    for (const [name, build] of Object.entries(OPENAPI_DOCUMENTS)) {
      const committed = JSON.parse(readFileSync(join(ROOT, "contracts", "openapi", `${name}.json`), "utf8"));
      expect(committed, `contracts/openapi/${name}.json is stale`).toEqual(build(packageVersion()));
    }
  });

  it("are served by the mock", async () => {
    expect(await fetch(`${mock.url}/_mock/v1/openapi.json`).then((r) => r.json())).toEqual(OPENAPI_DOCUMENTS["mock-control"](packageVersion()));
    const scalekit = await fetch(`${mock.url}/_mock/v1/openapi/scalekit-passwordless.json`).then((r) => r.json());
    expect(Object.keys(scalekit.paths)).toEqual(["/api/v1/passwordless/email/send", "/api/v1/passwordless/email/resend", "/api/v1/passwordless/email/verify", "/oauth/token", "/keys"]);
  });

  it("describe every route's real responses", async () => {
    const auth = { authorization: `Bearer ${token}` };
    await check("post", "/oauth/token", { grant_type: "client_credentials", client_id: mock.clientId, client_secret: mock.clientSecret });
    await check("post", "/oauth/token", { grant_type: "client_credentials", client_id: mock.clientId, client_secret: "wrong-secret" });
    await check("get", "/keys");
    const sent = await check("post", "/api/v1/passwordless/email/send", { email: "o@example.com", state: "s" }, auth);
    await check("post", "/api/v1/passwordless/email/send", { email: "bad" }, auth);
    await check("post", "/api/v1/passwordless/email/send", { email: "o@example.com" });
    await check("post", "/api/v1/passwordless/email/resend", { auth_request_id: sent.auth_request_id }, auth);
    await check("post", "/api/v1/passwordless/email/resend", { auth_request_id: "missing" }, auth);
    const { code } = await mock.inbox.waitForOtp("o@example.com");
    await check("post", "/api/v1/passwordless/email/verify", { code: "x", auth_request_id: sent.auth_request_id }, auth);
    await check("post", "/api/v1/passwordless/email/verify", { code, auth_request_id: sent.auth_request_id }, auth);

    const C = "/_mock/v1";
    await check("get", `${C}/health`);
    await check("get", `${C}/tls/ca.pem`);
    await check("get", `${C}/stats`);
    await check("get", `${C}/settings`);
    await check("put", `${C}/settings`, { maxResends: 3 });
    await check("put", `${C}/settings`, { maxResends: -3 });
    await check("get", `${C}/emails?limit=5`);
    await check("get", `${C}/emails?limit=0`);
    const latest = await check("get", `${C}/emails/latest?to=o@example.com`);
    await check("get", `${C}/emails/latest?to=nobody@example.com`);
    await check("get", `${C}/emails/${latest.id}`);
    await check("get", `${C}/emails/missing`);
    await check("get", `${C}/otp?email=nobody@example.com`);
    await check("get", `${C}/templates`);
    await check("put", `${C}/templates/SIGNUP`, { subject: "{{otp}}", text: "Hi {{ first_name }}" });
    await check("put", `${C}/templates/SIGNUP`, { subject: "{{#otp}}", text: "x" });
    await check("put", `${C}/templates/OTHER`, { subject: "s", text: "x" });
    await check("get", `${C}/templates/SIGNUP`);
    await check("get", `${C}/templates/OTHER`);
    await check("post", `${C}/templates/SIGNUP/preview`, { template_variables: { first_name: "Ana" } });
    await check("post", `${C}/templates/SIGNUP/preview`, { template: { subject: "s" } });
    await check("post", `${C}/templates/OTHER/preview`, {});
    await check("delete", `${C}/templates/SIGNUP`);
    await check("delete", `${C}/templates/OTHER`);
    await mock.clock.freeze();
    const sent2 = await check("post", "/api/v1/passwordless/email/send", { email: "p@example.com" }, auth);
    await check("get", `${C}/otp?email=p@example.com`);
    await check("get", `${C}/auth-requests`);
    await check("get", `${C}/auth-requests/${sent2.auth_request_id}`);
    await check("get", `${C}/auth-requests/missing`);
    await check("get", `${C}/clock`);
    await check("post", `${C}/clock`, { advance: "1m" });
    await check("post", `${C}/clock`, { advance: "soon" });
    await check("delete", `${C}/clock`);
    await check("post", `${C}/faults`, { operation: "send", error: "Unavailable", times: 1 });
    await check("post", `${C}/faults`, [{ operation: "verify", delayMs: 1 }]);
    await check("post", `${C}/faults`, { operation: "nope" });
    await check("post", "/api/v1/passwordless/email/send", { email: "q@example.com" }, auth);
    await check("get", `${C}/faults`);
    await check("delete", `${C}/faults/f_1`);
    await check("delete", `${C}/faults/f_1`);
    await check("delete", `${C}/faults`);
    await check("get", `${C}/requests?operation=send`);
    await check("get", `${C}/requests?operation=nope`);
    const snapshot = await check("get", `${C}/snapshot`);
    await check("put", `${C}/snapshot`, snapshot);
    await check("put", `${C}/snapshot`, { ...snapshot, version: 9 });
    await check("delete", `${C}/requests`);
    await check("delete", `${C}/emails`);
    const env = await check("post", `${C}/environments`, { id: "oa", settings: { otpLength: 8 } });
    await check("post", `${C}/environments`, { id: "oa" });
    await check("get", `${C}/environments`);
    await check("get", `${C}/environments/${env.id}`);
    await check("delete", `${C}/environments/${env.id}`);
    await check("delete", `${C}/environments/${env.id}`);
    const events = new AbortController();
    const stream = await fetch(`${mock.url}${C}/events`, { signal: events.signal });
    expect(stream.headers.get("content-type")).toContain("text/event-stream");
    covered.add(`get ${C}/events`);
    events.abort();
    await check("post", `${C}/reset`);

    const missing = routes.map((r) => `${r.method} ${r.path}`).filter((key) => !covered.has(key));
    expect(missing, "documented routes this test never called").toEqual([]);
  });
});
