import { connect as http2Connect, type ClientHttp2Session } from "node:http2";
import { connect as tcpConnect, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMockScalekit, type MockScalekit } from "../mock-server/src/index.js";
import { restSession } from "./support/rest.js";

/** Timeouts at each stage of a connection, and the cap on connections, with small values. */

let mock: MockScalekit;
let port: number;

beforeAll(async () => {
  mock = await createMockScalekit({ seed: "limits", firstByteTimeout: "300ms", headersTimeout: "300ms", requestTimeout: "700ms", idleTimeout: "500ms" });
  port = Number(new URL(mock.url).port);
});
afterAll(() => mock.close());

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A raw TCP connection: what it received, and when it closed. */
class Raw {
  readonly socket: Socket;
  received = "";
  closedAfter: number | undefined;
  readonly #opened = Date.now();
  readonly #connected: Promise<void>;
  readonly #closed: Promise<number>;

  constructor(target = port) {
    this.socket = tcpConnect(target, "127.0.0.1");
    this.socket.on("error", () => undefined);
    this.socket.on("data", (chunk) => (this.received += chunk.toString("latin1")));
    this.#connected = new Promise((resolve) => this.socket.once("connect", () => resolve()));
    this.#closed = new Promise((resolve) =>
      this.socket.once("close", () => {
        this.closedAfter = Date.now() - this.#opened;
        resolve(this.closedAfter);
      }),
    );
  }

  async write(text: string): Promise<void> {
    await this.#connected;
    this.socket.write(text);
  }

  /** Resolves once `text` has arrived; rejects if the connection closes first or it takes over `ms`. */
  async until(text: string, ms = 5_000): Promise<string> {
    const deadline = Date.now() + ms;
    while (!this.received.includes(text)) {
      if (this.closedAfter !== undefined) throw new Error(`closed before ${JSON.stringify(text)}; got ${JSON.stringify(this.received)}`);
      if (Date.now() > deadline) throw new Error(`no ${JSON.stringify(text)} within ${ms}ms; got ${JSON.stringify(this.received)}`);
      await sleep(10);
    }
    return this.received;
  }

  /** How long after opening the connection closed; rejects if it is still open after `ms`. */
  closed(ms = 5_000): Promise<number> {
    return Promise.race([this.#closed, sleep(ms).then(() => Promise.reject(new Error(`still open after ${ms}ms`)))]);
  }
}

const get = (path: string) => `GET ${path} HTTP/1.1\r\nHost: localhost\r\n\r\n`;

async function sendTo(email: string): Promise<void> {
  const api = await restSession(mock);
  expect((await api.send({ email })).status).toBe(200);
}

describe("a connection that never tells its protocol", () => {
  it("is closed after the first-byte timeout when it sends nothing", async () => {
    const raw = new Raw();
    expect(await raw.closed()).toBeGreaterThanOrEqual(250);
    expect(raw.received).toBe("");
  });

  it("is closed after the first-byte timeout when it sends only part of the HTTP/2 preface", async () => {
    const raw = new Raw();
    await raw.write("PRI * HTTP/2.0\r\n");
    expect(await raw.closed()).toBeGreaterThanOrEqual(250);
  });
});

describe("HTTP/1.1 request headers", () => {
  it("that trickle in past the headers timeout are answered 408 and the connection closed", async () => {
    const raw = new Raw();
    await raw.write("GET /_mock/v1/health HTTP/1.1\r\nHost: localhost\r\n");
    // A header every 100 ms: never silent, never done.
    const drip = setInterval(() => void raw.write("X-Slow: 1\r\n"), 100);
    try {
      expect(await raw.closed()).toBeLessThan(3_000);
    } finally {
      clearInterval(drip);
    }
    expect(raw.received).toMatch(/^HTTP\/1\.1 408 /);
  });

  it("that arrive in time are answered", async () => {
    const raw = new Raw();
    await raw.write("GET /_mock/v1/health HTTP/1.1\r\n");
    await sleep(100);
    await raw.write("Host: localhost\r\nConnection: close\r\n\r\n");
    await raw.until('"status":"ok"');
  });
});

describe("an HTTP/1.1 request body", () => {
  it("that trickles in past the request timeout is answered 408 and the connection closed", async () => {
    const raw = new Raw();
    await raw.write("POST /_mock/v1/clock HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n");
    // A byte every 100 ms: the headers came in time, the body never completes.
    const drip = setInterval(() => void raw.write(" "), 100);
    try {
      const closedAfter = await raw.closed();
      expect(closedAfter).toBeGreaterThanOrEqual(600);
      expect(closedAfter).toBeLessThan(3_000);
    } finally {
      clearInterval(drip);
    }
    expect(raw.received).toMatch(/^HTTP\/1\.1 408 /);
  });
});

describe("an idle HTTP/1.1 keep-alive connection", () => {
  it("is closed after the idle timeout", async () => {
    const raw = new Raw();
    await raw.write(get("/_mock/v1/health"));
    await raw.until('"status":"ok"');
    const answered = Date.now();
    await raw.closed();
    expect(Date.now() - answered).toBeGreaterThanOrEqual(400);
  });

  it("is not closed while a long-poll is in flight, even past the idle and request timeouts", async () => {
    const raw = new Raw();
    await raw.write(get("/_mock/v1/health"));
    await raw.until('"status":"ok"');
    await raw.write(get("/_mock/v1/emails/latest?to=poll@example.com&wait=10s"));
    await sleep(1_200);
    expect(raw.closedAfter).toBeUndefined();
    await sendTo("poll@example.com");
    await raw.until('"to":"poll@example.com"');
  });
});

describe("an HTTP/2 session", () => {
  const open = (): ClientHttp2Session => {
    const session = http2Connect(mock.url);
    session.on("error", () => undefined);
    return session;
  };
  const closed = (session: ClientHttp2Session) => new Promise<void>((resolve) => session.once("close", () => resolve()));

  it("is closed after the idle timeout once its requests are done", async () => {
    const session = open();
    const done = closed(session);
    const stream = session.request({ ":path": "/_mock/v1/health" });
    stream.resume();
    await new Promise((resolve) => stream.on("end", resolve));
    const answered = Date.now();
    await done;
    expect(Date.now() - answered).toBeGreaterThanOrEqual(400);
  });

  it("is not closed while an event stream is open, even past the idle and request timeouts", async () => {
    const session = open();
    let isClosed = false;
    session.once("close", () => (isClosed = true));
    const stream = session.request({ ":path": "/_mock/v1/events" });
    stream.setEncoding("utf8");
    let text = "";
    stream.on("data", (chunk: string) => (text += chunk));
    await sleep(1_200);
    expect(isClosed).toBe(false);
    await sendTo("events@example.com");
    for (let i = 0; i < 200 && !text.includes("event: email.captured"); i++) await sleep(10);
    expect(text).toContain("events@example.com");
    stream.close();
    session.close();
  });

  /** A POST whose HEADERS go out and whose body then stops after `{`, without END_STREAM. */
  const stalledPost = (session: ClientHttp2Session) => {
    const stream = session.request({ ":method": "POST", ":path": "/_mock/v1/clock", "content-type": "application/json" }, { endStream: false });
    stream.on("error", () => undefined);
    stream.write("{");
    let body = "";
    stream.setEncoding("utf8");
    stream.on("data", (chunk: string) => (body += chunk));
    const answer = new Promise<{ status: number; after: number; body: () => string }>((resolve) => {
      const started = Date.now();
      stream.once("response", (headers) => resolve({ status: Number(headers[":status"]), after: Date.now() - started, body: () => body }));
    });
    const closed = new Promise<number>((resolve) => stream.once("close", () => resolve(stream.rstCode ?? -1)));
    return { answer, closed };
  };

  it("answers 408 to a request whose body stalls past the request timeout, then closes once idle", async () => {
    const session = open();
    const done = closed(session);
    const { answer, closed: streamClosed } = stalledPost(session);
    const { status, after, body } = await answer;
    expect(status).toBe(408);
    expect(after).toBeGreaterThanOrEqual(600);
    expect(after).toBeLessThan(3_000);
    // Reset with NO_ERROR: the client may stop sending, and the 408 stands.
    expect(await streamClosed).toBe(0);
    expect(body()).toContain("--request-timeout");
    const reset = Date.now();
    await done;
    expect(Date.now() - reset).toBeGreaterThanOrEqual(400);
  });

  it("lets a long-poll outlive the request timeout while a stalled request beside it is answered 408", async () => {
    const session = open();
    const poll = session.request({ ":path": "/_mock/v1/emails/latest?to=beside@example.com&wait=10s" });
    poll.setEncoding("utf8");
    let polled = "";
    poll.on("data", (chunk: string) => (polled += chunk));
    const stalled = stalledPost(session);
    expect((await stalled.answer).status).toBe(408);
    await sleep(600);
    expect(poll.closed).toBe(false);
    await sendTo("beside@example.com");
    await new Promise((resolve) => poll.once("end", resolve));
    expect(polled).toContain('"to":"beside@example.com"');
    session.close();
  });
});

describe("the connection cap", () => {
  it("closes connections past the cap and serves new ones once others close", async () => {
    const capped = await createMockScalekit({ maxConnections: 2 });
    const cappedPort = Number(new URL(capped.url).port);
    try {
      const first = new Raw(cappedPort);
      const second = new Raw(cappedPort);
      await first.write(get("/_mock/v1/health"));
      await second.write(get("/_mock/v1/health"));
      await Promise.all([first.until('"status":"ok"'), second.until('"status":"ok"')]);

      const third = new Raw(cappedPort);
      await third.write(get("/_mock/v1/health"));
      await third.closed();
      expect(third.received).toBe("");

      // The two open connections keep working.
      first.received = "";
      await first.write(get("/_mock/v1/health"));
      await first.until('"status":"ok"');

      second.socket.destroy();
      await second.closed();
      await sleep(50);
      const fourth = new Raw(cappedPort);
      await fourth.write(get("/_mock/v1/health"));
      await fourth.until('"status":"ok"');
      first.socket.destroy();
      fourth.socket.destroy();
    } finally {
      await capped.close();
    }
  });
});
