import { connect, constants, type ClientHttp2Session, type ClientHttp2Stream, type IncomingHttpHeaders } from "node:http2";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createMockScalekit, type MockEnvironment, type MockScalekit } from "../mock-server/src/index.js";
import { RawClient, type RawAnswer } from "./support/raw-http.js";
import { restSession } from "./support/rest.js";

/**
 * Every route answers over cleartext HTTP/2 (prior knowledge) as it does over
 * HTTP/1.1, and nothing a request does reaches `uncaughtException`: an
 * in-process mock shares its process with the test runner.
 */

let mock: MockScalekit;
let session: ClientHttp2Session | undefined;
let client: RawClient;
const escaped: unknown[] = [];
const record = (error: unknown) => escaped.push(error);

beforeAll(async () => {
  process.on("uncaughtException", record);
  process.on("unhandledRejection", record);
  mock = await createMockScalekit({ seed: "http2" });
  client = new RawClient(mock.url);
});
afterAll(async () => {
  await mock.close();
  process.off("uncaughtException", record);
  process.off("unhandledRejection", record);
});
afterEach(async () => {
  client.close();
  session?.close();
  session = undefined;
  // Give an error thrown after the response a turn to surface.
  await new Promise((resolve) => setTimeout(resolve, 50));
  expect(escaped.splice(0)).toEqual([]);
  expect((await fetch(`${mock.url}/_mock/v1/health`)).status).toBe(200);
});

/** The test's HTTP/2 session (prior knowledge), opened on first use. */
function open(): ClientHttp2Session {
  if (session !== undefined) return session;
  const opened = connect(mock.url);
  opened.on("error", () => undefined);
  return (session = opened);
}

/** A request on the test's own HTTP/2 client (one session, reopened after each test). */
function h2(path: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<RawAnswer> {
  return client.send("http2", { method: init.method ?? "GET", path, ...(init.headers !== undefined && { headers: init.headers }), ...(init.body !== undefined && { body: init.body }) });
}

/** An open event stream: everything received so far, and a way to wait for more. */
function eventStream(path: string): { stream: ClientHttp2Stream; headers: Promise<IncomingHttpHeaders>; received: (text: string) => Promise<string> } {
  const stream = open().request({ ":path": path, accept: "text/event-stream" });
  stream.setEncoding("utf8");
  let text = "";
  const waiters = new Set<() => void>();
  stream.on("data", (chunk: string) => {
    text += chunk;
    for (const check of waiters) check();
  });
  const headers = new Promise<IncomingHttpHeaders>((resolve, reject) => {
    stream.on("response", resolve);
    stream.on("error", reject);
    stream.on("close", () => reject(new Error(`stream closed (RST code ${stream.rstCode}) after ${JSON.stringify(text)}`)));
  });
  const received = (wanted: string) =>
    new Promise<string>((resolve, reject) => {
      const check = () => {
        if (!text.includes(wanted)) return;
        waiters.delete(check);
        resolve(text);
      };
      waiters.add(check);
      stream.on("close", () => reject(new Error(`stream closed before ${JSON.stringify(wanted)}; got ${JSON.stringify(text)}`)));
      check();
    });
  return { stream, headers, received };
}

async function sendFrom(env: MockEnvironment, email: string) {
  const api = await restSession({ url: mock.url, clientId: env.clientId, clientSecret: env.clientSecret });
  const sent = await api.send({ email });
  expect(sent.status).toBe(200);
  return sent.body as { auth_request_id: string };
}

describe("HTTP/2 event streams", () => {
  it.each([
    ["the default environment", () => mock as MockEnvironment, (_env: MockEnvironment) => "/_mock/v1/events"],
    ["an environment by id", () => mock.environment(), (env: MockEnvironment) => `/_mock/v1/environments/${env.id}/events`],
  ])("streams the opening comment and then a send's email.captured event for %s", async (_name, environment, pathOf) => {
    const env = environment();
    const events = eventStream(pathOf(env));
    const headers = await events.headers;
    expect(headers[constants.HTTP2_HEADER_STATUS]).toBe(200);
    expect(headers["content-type"]).toMatch(/^text\/event-stream/);
    expect(headers["transfer-encoding"]).toBeUndefined();
    await events.received(": scalekit-mock events for");
    await sendFrom(env, "stream@example.com");
    const text = await events.received("event: email.captured");
    expect(text).toContain("stream@example.com");
    events.stream.close();
  });
});

describe("HTTP/2 long-polls and downloads", () => {
  it("answers /emails/latest?wait and /otp?wait once the email arrives", async () => {
    open();
    const latest = h2("/_mock/v1/emails/latest?to=poll@example.com&wait=10s");
    const otp = h2("/_mock/v1/otp?email=poll@example.com&wait=10s");
    await new Promise((resolve) => setTimeout(resolve, 100));
    const sent = await sendFrom(mock, "poll@example.com");
    const [email, code] = await Promise.all([latest, otp]);
    expect(email.status).toBe(200);
    expect(JSON.parse(email.body)).toMatchObject({ to: "poll@example.com", auth_request_id: sent.auth_request_id });
    expect(code.status).toBe(200);
    expect(JSON.parse(code.body).code).toMatch(/^\d{6}$/);
  });

  it("downloads an email as .eml, .html and .txt", async () => {
    await sendFrom(mock, "download@example.com");
    const email = mock.inbox.latest({ to: "download@example.com" })!;
    const eml = await h2(`/_mock/v1/emails/${email.id}.eml`);
    expect(eml.status).toBe(200);
    expect(eml.headers["content-type"]).toBe("message/rfc822");
    expect(eml.body).toContain("To: download@example.com");
    const html = await h2(`/_mock/v1/emails/${email.id}.html`);
    expect(html).toMatchObject({ status: 200, body: email.html });
    const text = await h2(`/_mock/v1/emails/${email.id}.txt`);
    expect(text).toMatchObject({ status: 200, body: email.text });
  });
});

describe("HTTP/2 pages, documents and the Scalekit API", () => {
  it("serves the web inbox, its assets and a panel", async () => {
    const page = await h2("/_mock/ui");
    expect(page.status).toBe(200);
    expect(page.body).toContain("<html");
    expect((await h2("/_mock/ui/assets/inbox.js")).status).toBe(200);
    expect((await h2("/_mock/ui/assets/inbox.css")).status).toBe(200);
  });

  it("serves the OpenAPI documents", async () => {
    const control = await h2("/_mock/v1/openapi.json");
    expect(control.status).toBe(200);
    expect(JSON.parse(control.body).openapi).toMatch(/^3\./);
    expect((await h2("/_mock/v1/openapi/scalekit-passwordless.json")).status).toBe(200);
  });

  it("issues a token, serves the keys, sends and verifies", async () => {
    const form = new URLSearchParams({ grant_type: "client_credentials", client_id: mock.clientId, client_secret: mock.clientSecret });
    const token = await h2("/oauth/token", { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: form.toString() });
    expect(token.status).toBe(200);
    const authorization = `Bearer ${JSON.parse(token.body).access_token}`;
    expect(JSON.parse((await h2("/keys")).body).keys.length).toBeGreaterThan(0);
    const json = { "content-type": "application/json", authorization };
    const sent = await h2("/api/v1/passwordless/email/send", { method: "POST", headers: json, body: JSON.stringify({ email: "rest@example.com" }) });
    expect(sent.status).toBe(200);
    const { code } = await mock.inbox.waitForOtp("rest@example.com");
    const verify = { code, auth_request_id: JSON.parse(sent.body).auth_request_id };
    const verified = await h2("/api/v1/passwordless/email/verify", { method: "POST", headers: json, body: JSON.stringify(verify) });
    expect(verified.status).toBe(200);
    expect(JSON.parse(verified.body).email).toBe("rest@example.com");
  });

  it("answers errors in the API's shape", async () => {
    const missing = await h2("/_mock/v1/emails/nope.eml");
    expect(missing.status).toBe(404);
    expect(JSON.parse(missing.body).error.code).toBe("NOT_FOUND");
    const unauthenticated = await h2("/api/v1/passwordless/email/send", { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    expect(unauthenticated.status).toBe(401);
  });
});
