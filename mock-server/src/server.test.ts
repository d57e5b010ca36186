import { connect, constants } from "node:http2";
import type { ServerResponse } from "node:http";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { listen, type Listening, type RequestHandler } from "./server.js";

const limits = { firstByteTimeoutMs: 10_000, headersTimeoutMs: 10_000, idleTimeoutMs: 60_000, maxConnections: 100 };

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

async function start(handler: RequestHandler): Promise<string> {
  server = await listen(handler, { host: "127.0.0.1", port: 0, ...limits });
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
