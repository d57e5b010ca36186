import { connect as tcpConnect } from "node:net";
import { connect as http2Connect } from "node:http2";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createMockScalekit, type MockScalekit } from "../mock-server/src/index.js";

/** What clients see when the mock stops under them, or when they stop mid-request. */

let mock: MockScalekit | undefined;
afterEach(async () => {
  await mock?.close();
  mock = undefined;
  vi.restoreAllMocks();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("closing the mock", () => {
  it("answers long-polls still waiting with 503 UNAVAILABLE, not 404", async () => {
    mock = await createMockScalekit();
    const env = mock.environment();
    const polls = [
      `${mock.url}/_mock/v1/emails/latest?to=late@example.com&wait=30s`,
      `${mock.url}/_mock/v1/otp?email=late@example.com&wait=30s`,
      `${mock.url}/_mock/v1/environments/${env.id}/otp?email=late@example.com&wait=30s`,
    ].map(async (url) => {
      const response = await fetch(url);
      return { status: response.status, body: (await response.json()) as { error: { code: string; message: string } } };
    });
    await sleep(200);
    const closed = mock.close();
    mock = undefined;
    for (const poll of await Promise.all(polls)) {
      expect(poll.status).toBe(503);
      expect(poll.body.error.code).toBe("UNAVAILABLE");
      expect(poll.body.error.message).toContain("shutting down");
    }
    await closed;
  });

  it("fails an in-process wait with a message that says the mock was closed", async () => {
    mock = await createMockScalekit();
    const waiting = mock.inbox.waitForOtp("late@example.com", { timeout: 30_000 });
    const settled = waiting.catch((error: Error) => error);
    await sleep(50);
    await mock.close();
    mock = undefined;
    expect(String(await settled)).toContain("closed before the awaited OTP code arrived");
  });
});

describe("a client that leaves mid-body", () => {
  it("is not logged as an unexpected error, over HTTP/1.1 or HTTP/2", async () => {
    const errors = vi.spyOn(console, "error").mockImplementation(() => undefined);
    mock = await createMockScalekit();
    const port = Number(new URL(mock.url).port);
    const targets = [
      ["PUT", "/_mock/v1/settings", "application/json"],
      ["POST", "/oauth/token", "application/x-www-form-urlencoded"],
      ["POST", "/api/v1/passwordless/email/send", "application/json"],
    ] as const;
    for (const [method, path, type] of targets) {
      // Promises 1000 bytes, sends 10, hangs up.
      await new Promise<void>((resolve) => {
        const socket = tcpConnect(port, "127.0.0.1", () => {
          socket.write(`${method} ${path} HTTP/1.1\r\nHost: localhost\r\nContent-Type: ${type}\r\nContent-Length: 1000\r\n\r\n{"email":"`);
          setTimeout(() => socket.destroy(), 100);
        });
        socket.on("error", () => undefined);
        socket.on("close", () => resolve());
      });
      const session = http2Connect(mock.url);
      session.on("error", () => undefined);
      const stream = session.request({ ":method": method, ":path": path, "content-type": type, "content-length": "1000" });
      stream.on("error", () => undefined);
      stream.write('{"email":"');
      await sleep(100);
      stream.close();
      await sleep(50);
      session.destroy();
    }
    await sleep(300);
    expect(errors.mock.calls.map((call) => String(call[0]))).toEqual([]);
    expect((await fetch(`${mock.url}/_mock/v1/health`)).status).toBe(200);
  });
});
