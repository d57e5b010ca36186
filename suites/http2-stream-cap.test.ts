import { connect as http2Connect, constants, type ClientHttp2Session } from "node:http2";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_CONCURRENT_STREAMS } from "../mock-server/src/server/h2.js";
import { createMockScalekit, type MockScalekit } from "../mock-server/src/index.js";
import { FRAME, FrameClient } from "./support/h2-frames.js";
import { restSession } from "./support/rest.js";

/** One HTTP/2 connection carries at most MAX_CONCURRENT_STREAMS requests at once, so it cannot stand in for any number of connections. */

let mock: MockScalekit;
let port: number;

beforeAll(async () => {
  mock = await createMockScalekit({ seed: "stream-cap" });
  port = Number(new URL(mock.url).port);
});
afterAll(() => mock.close());

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const longPoll = (to: string) => `/_mock/v1/emails/latest?to=${to}&wait=10s`;

async function sendTo(email: string): Promise<void> {
  const api = await restSession(mock);
  expect((await api.send({ email })).status).toBe(200);
}

function get(session: ClientHttp2Session, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const stream = session.request({ ":path": path });
    let status = 0;
    let body = "";
    stream.setEncoding("utf8");
    stream.on("response", (headers) => (status = Number(headers[constants.HTTP2_HEADER_STATUS])));
    stream.on("data", (chunk: string) => (body += chunk));
    stream.on("end", () => resolve({ status, body }));
    stream.on("error", reject);
  });
}

describe("the HTTP/2 stream cap", () => {
  it("is announced in SETTINGS, and a client past it waits for a stream to end, on the same session", async () => {
    const session = http2Connect(mock.url);
    session.on("error", () => undefined);
    await new Promise((resolve) => session.once("remoteSettings", resolve));
    expect(session.remoteSettings.maxConcurrentStreams).toBe(MAX_CONCURRENT_STREAMS);
    expect(MAX_CONCURRENT_STREAMS).toBeGreaterThanOrEqual(100);

    const polls = Array.from({ length: MAX_CONCURRENT_STREAMS }, () => get(session, longPoll("cap@example.com")));
    let healthAnswered = false;
    const health = get(session, "/_mock/v1/health").finally(() => (healthAnswered = true));
    await sleep(500);
    expect(healthAnswered).toBe(false);

    await sendTo("cap@example.com");
    expect((await health).status).toBe(200);
    const answers = await Promise.all(polls);
    expect(answers.every((a) => a.status === 200 && a.body.includes('"to":"cap@example.com"'))).toBe(true);
    expect((await get(session, "/_mock/v1/health")).status).toBe(200);
    session.close();
  });

  it("refuses a stream past it with REFUSED_STREAM when the client has not yet acknowledged it, and keeps the session", async () => {
    const client = new FrameClient(port);
    try {
      await client.until((f) => f.type === FRAME.SETTINGS && f.flags === 0);
      for (let i = 0; i <= MAX_CONCURRENT_STREAMS; i++) client.get(1 + 2 * i, longPoll("raw-cap@example.com"));
      const reset = await client.until((f) => f.type === FRAME.RST_STREAM);
      expect(reset.streamId).toBe(1 + 2 * MAX_CONCURRENT_STREAMS);
      expect(reset.payload.readUInt32BE(0)).toBe(constants.NGHTTP2_REFUSED_STREAM);

      // The session still answers, and so do the streams it took.
      client.ping();
      await client.until((f) => f.type === FRAME.PING && f.flags === 1);
      await sendTo("raw-cap@example.com");
      await client.until((f) => f.type === FRAME.HEADERS && f.streamId === 1 + 2 * (MAX_CONCURRENT_STREAMS - 1));
      expect(client.frames.filter((f) => f.type === FRAME.RST_STREAM || f.type === FRAME.GOAWAY)).toHaveLength(1);
    } finally {
      client.socket.destroy();
    }
  });
});
