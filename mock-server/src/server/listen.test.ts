import { connect, constants } from "node:http2";
import type { ServerResponse } from "node:http";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { listen, type Listening, type RequestHandler } from "./listen.js";

const limits = { firstByteTimeoutMs: 10_000, headersTimeoutMs: 10_000, requestTimeoutMs: 60_000, idleTimeoutMs: 60_000, maxConnections: 100 };

let server: Listening | undefined;
let logged: ReturnType<typeof vi.spyOn>;
const escaped: unknown[] = [];
const record = (error: unknown) => escaped.push(error);

beforeEach(() => {
  logged = vi.spyOn(console, "error").mockImplementation(() => undefined);
  process.on("uncaughtException", record);
  process.on("unhandledRejection", record);
});
afterEach(async () => {
  await server?.close(100);
  server = undefined;
  process.off("uncaughtException", record);
  process.off("unhandledRejection", record);
  logged.mockRestore();
  expect(escaped.splice(0)).toEqual([]);
});

async function start(handler: RequestHandler, overrides: Partial<typeof limits> = {}): Promise<string> {
  server = await listen(handler, { host: "127.0.0.1", port: 0, ...limits, ...overrides });
  return server.url;
}

function h2Get(url: string, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const session = connect(url);
    session.on("error", reject);
    const stream = session.request({ ":path": path });
    let status = 0;
    let body = "";
    stream.on("response", (headers) => (status = Number(headers[constants.HTTP2_HEADER_STATUS])));
    stream.on("data", (chunk) => (body += chunk));
    stream.on("end", () => {
      session.close();
      resolve({ status, body });
    });
    stream.on("error", reject);
  });
}

const failures: [string, RequestHandler][] = [
  [
    "throws",
    () => {
      throw new Error("boom");
    },
  ],
  ["rejects", async () => Promise.reject(new Error("boom"))],
];

describe("a request handler that fails", () => {
  it.each(failures)("answers 500 over HTTP/1.1 when it %s, logs it once as a bug, and keeps serving", async (_how, handler) => {
    const url = await start(handler);
    const response = await fetch(`${url}/some/path?client_secret=hidden`);
    expect(response.status).toBe(500);
    expect(await response.text()).toContain("this is a bug");
    expect(logged).toHaveBeenCalledTimes(1);
    const line = String(logged.mock.calls[0]![0]);
    expect(line).toContain("GET /some/path");
    expect(line).not.toContain("hidden");
    expect((await fetch(`${url}/again`)).status).toBe(500);
  });

  it.each(failures)("answers 500 over HTTP/2 when it %s", async (_how, handler) => {
    const url = await start(handler);
    expect(await h2Get(url, "/x")).toMatchObject({ status: 500 });
    expect(logged).toHaveBeenCalledTimes(1);
  });

  it("cuts off a response it had started, and keeps serving", async () => {
    const url = await start(async (request, response) => {
      response.writeHead(200, { "content-type": "text/plain" });
      if (request.url !== "/partial") return void response.end("ok");
      (response as ServerResponse).write("partial");
      throw new Error("boom");
    });
    await expect(fetch(`${url}/partial`).then((r) => r.text())).rejects.toThrow();
    await expect(h2Get(url, "/partial")).rejects.toThrow();
    expect(logged).toHaveBeenCalledTimes(2);
    expect(await (await fetch(`${url}/x`)).text()).toBe("ok");
    expect((await h2Get(url, "/x")).body).toBe("ok");
  });
});

describe("HTTP/2 responses", () => {
  it("drop the HTTP/1.1 connection headers a handler sets instead of failing", async () => {
    const url = await start((_request, response) => {
      response.setHeader("connection", "keep-alive");
      response.writeHead(200, { "transfer-encoding": "chunked", "keep-alive": "timeout=5", "content-type": "text/plain" });
      response.end("ok");
    });
    expect(await h2Get(url, "/x")).toEqual({ status: 200, body: "ok" });
    expect(logged).not.toHaveBeenCalled();
  });
});

describe("an HTTP/2 request that does not arrive in full within the request timeout", () => {
  const requestTimeoutMs = 300;

  /** Sends a POST's HEADERS and `{`, then nothing: no END_STREAM. */
  function stalledPost(url: string) {
    const session = connect(url);
    session.on("error", () => undefined);
    const stream = session.request({ ":method": "POST", ":path": "/stall" }, { endStream: false });
    stream.on("error", () => undefined);
    stream.write("{");
    let body = "";
    stream.on("data", (chunk) => (body += chunk));
    const status = new Promise<number>((resolve) => stream.once("response", (h) => resolve(Number(h[constants.HTTP2_HEADER_STATUS]))));
    const reset = new Promise<{ rstCode: number | undefined; body: string }>((resolve, reject) => {
      const deadline = setTimeout(() => reject(new Error("the stream is still open after 3 s")), 3_000);
      stream.once("close", () => {
        clearTimeout(deadline);
        session.close();
        resolve({ rstCode: stream.rstCode, body });
      });
    });
    return { session, status, reset };
  }

  it("is answered 408 while a request that has arrived may wait longer for its answer, on the same session", async () => {
    const url = await start(
      async (request, response) => {
        if (request.url === "/stall") return;
        let body = "";
        for await (const chunk of request) body += chunk;
        await new Promise((resolve) => setTimeout(resolve, 3 * requestTimeoutMs));
        response.end(`got ${body}`);
      },
      { requestTimeoutMs, headersTimeoutMs: requestTimeoutMs },
    );
    const { session, status, reset } = stalledPost(url);
    const slow = session.request({ ":method": "POST", ":path": "/slow" });
    slow.end("{}");
    let answer = "";
    slow.on("data", (chunk) => (answer += chunk));
    expect(await status).toBe(408);
    expect(await reset).toMatchObject({ rstCode: constants.NGHTTP2_NO_ERROR });
    await new Promise((resolve) => slow.once("end", resolve));
    expect(answer).toBe("got {}");
  });

  it("drops what a handler answering at the same moment writes after the 408, without an error", async () => {
    const url = await start(
      (_request, response) => {
        // Set after the server's own timer, this fires right after it: the 408 is out, the stream not yet closed.
        setTimeout(() => {
          response.setHeader("x-late", "1");
          response.writeHead(200, { "content-type": "text/plain" });
          (response as ServerResponse).write("late");
          response.end();
        }, requestTimeoutMs);
      },
      { requestTimeoutMs, headersTimeoutMs: requestTimeoutMs },
    );
    const { status, reset } = stalledPost(url);
    expect(await status).toBe(408);
    const { rstCode, body } = await reset;
    expect(rstCode).toBe(constants.NGHTTP2_NO_ERROR);
    expect(body).toContain("--request-timeout");
    expect(body).not.toContain("late");
    expect(logged).not.toHaveBeenCalled();
  });

  it("survives a handler that destroys its response at the moment of the 408", async () => {
    const url = await start(
      (request, response) => {
        if (request.url === "/after") return void response.end("ok");
        setTimeout(() => response.destroy(new Error("the body was cut off")), requestTimeoutMs);
      },
      { requestTimeoutMs, headersTimeoutMs: requestTimeoutMs },
    );
    const { status, reset } = stalledPost(url);
    expect(await status).toBe(408);
    await reset;
    expect(await h2Get(url, "/after")).toEqual({ status: 200, body: "ok" });
  });

  it("has its stream reset with CANCEL when its response had started", async () => {
    const url = await start(
      (_request, response) => {
        response.writeHead(200, { "content-type": "text/plain" });
        (response as ServerResponse).write("partial");
      },
      { requestTimeoutMs, headersTimeoutMs: requestTimeoutMs },
    );
    const { status, reset } = stalledPost(url);
    expect(await status).toBe(200);
    expect(await reset).toMatchObject({ rstCode: constants.NGHTTP2_CANCEL, body: "partial" });
  });
});

describe("a request the layers above could not parse", () => {
  function rawExchange(url: string, request: string): Promise<string> {
    const { port } = new URL(url);
    return new Promise((resolve, reject) => {
      import("node:net").then(({ connect: tcp }) => {
        const socket = tcp(Number(port), "127.0.0.1");
        let text = "";
        socket.on("data", (chunk) => (text += chunk));
        socket.on("close", () => resolve(text));
        socket.on("error", reject);
        socket.end(request);
      }, reject);
    });
  }

  it.each(["[zz]", "x:y:z", "a/b", "user@host", "localhost:99999"])("answers 400 for Host %s before any handler runs, over HTTP/1.1 and HTTP/2", async (host) => {
    const handler = vi.fn<RequestHandler>((_req, res) => void res.end("ok"));
    const url = await start(handler);
    const h1 = await rawExchange(url, `GET / HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);
    expect(h1).toMatch(/^HTTP\/1\.1 400 /);
    // nghttp2 itself resets a stream whose :authority breaks HTTP/2's own rules ("a/b"): also a refusal.
    const h2 = await new Promise<number | "reset as malformed">((resolve, reject) => {
      const session = connect(url);
      session.on("error", reject);
      const stream = session.request({ ":path": "/", ":authority": host });
      stream.on("response", (h) => resolve(Number(h[constants.HTTP2_HEADER_STATUS])));
      stream.on("close", () => {
        if (stream.rstCode === constants.NGHTTP2_PROTOCOL_ERROR) resolve("reset as malformed");
        session.close();
      });
      stream.on("error", () => undefined);
      stream.resume();
    });
    expect([400, "reset as malformed"]).toContain(h2);
    expect(handler).not.toHaveBeenCalled();
  });

  it("gives one response per request: a parse error after an answer closes the connection without a second", async () => {
    const url = await start((_req, res) => {
      res.writeHead(400, { connection: "close" });
      res.end();
    });
    // The handler answers before the body, which then breaks the parser (data after a `Connection: close` request).
    const answer = await rawExchange(url, `POST / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\nGARBAGE`);
    expect(answer.match(/HTTP\/1\.1 /g)).toHaveLength(1);
  });
});
