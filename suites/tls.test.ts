import { X509Certificate } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { connect as netConnect, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connect as tlsConnect } from "node:tls";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createMockScalekit, type MockScalekit } from "../mock-server/src/index.js";
import { issueTestCertificate } from "../mock-server/src/tls/certificates.test-helpers.js";
import { captureClientHello, https1, https2, type TlsCall } from "./support/tls-clients.js";

/**
 * TLS beside plain HTTP on one port: every surface over https:// with either
 * HTTP version, the CA it serves, the port that speaks only TLS, and what
 * broken clients and unusable certificates get.
 */

let mock: MockScalekit;
let ca: string;
let token: string;

beforeAll(async () => {
  mock = await createMockScalekit({ seed: "tls-suite", tls: true, tlsPort: 0 });
  ca = mock.tls!.ca!;
  const answer = await https1(`${mock.tls!.url}/oauth/token`, {
    ca,
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "client_credentials", client_id: mock.clientId, client_secret: mock.clientSecret }).toString(),
  });
  token = JSON.parse(answer.body).access_token;
});
afterAll(() => mock?.close());

/** Opens a raw TCP connection, writes `bytes`, and resolves with what came back once the server closed it (or `waitMs` passed). */
function exchange(url: string, bytes: Buffer, waitMs = 5_000): Promise<{ closed: boolean; received: Buffer }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const socket: Socket = netConnect(Number(port), hostname, () => socket.write(bytes));
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ closed: false, received: Buffer.concat(chunks) });
    }, waitMs);
    socket.on("data", (chunk: Buffer) => chunks.push(chunk));
    socket.on("error", () => undefined);
    socket.on("close", () => {
      clearTimeout(timer);
      resolve({ closed: true, received: Buffer.concat(chunks) });
    });
  });
}

describe.each([
  ["HTTP/1.1", https1, "http/1.1"],
  ["HTTP/2", https2, "h2"],
] as const)("over https:// with %s (by ALPN)", (_name, call, alpn) => {
  const surfaces: [string, (base: string) => [string, Omit<TlsCall, "ca">], number, RegExp][] = [
    ["the JWKS endpoint", (base) => [`${base}/keys`, {}], 200, /"keys"/],
    ["a Scalekit REST call", (base) => [`${base}/api/v1/passwordless/email/send`, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: '{"email":"tls@example.com"}' }], 200, /auth_request_id/],
    ["the control API", (base) => [`${base}/_mock/v1/health`, {}], 200, /"status":"ok"/],
    ["the web inbox", (base) => [`${base}/_mock/ui`, {}], 200, /<html/i],
    ["the CA certificate", (base) => [`${base}/_mock/v1/tls/ca.pem`, {}], 200, /^-----BEGIN CERTIFICATE-----/],
    ["a control path that does not exist, in the control API's error shape", (base) => [`${base}/_mock/v1/tls/ca.pem/more`, {}], 404, /"code":"NOT_FOUND"/],
    ["a Scalekit path that does not exist, in the gateway's error shape", (base) => [`${base}/api/v1/passwordless/email/nope`, { method: "POST", headers: { authorization: `Bearer ${token}` } }], 404, /"code":5/],
    ["a request with a Host that is not a host, refused", (base) => [`${base}/_mock/v1/health`, { headers: { host: "[zz]" } }], 400, /not a valid host/],
  ];

  it.each(surfaces)("serves %s", async (_surface, build, status, body) => {
    const [url, options] = build(mock.tls!.url);
    const answer = await call(url, { ...options, ca });
    expect({ status: answer.status, alpn: answer.alpn }).toEqual({ status, alpn });
    expect(answer.body).toMatch(body);
  });

  it("serves the token endpoint", async () => {
    const answer = await call(`${mock.tls!.url}/oauth/token`, {
      ca,
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ grant_type: "client_credentials", client_id: mock.clientId, client_secret: mock.clientSecret }).toString(),
    });
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toMatchObject({ token_type: "Bearer" });
  });

  it("serves the port that speaks only TLS the same way", async () => {
    const answer = await call(`${mock.tls!.tlsPortUrl}/_mock/v1/health`, { ca });
    expect({ status: answer.status, alpn: answer.alpn }).toEqual({ status: 200, alpn });
  });
});

describe("one port with TLS on", () => {
  it("keeps answering plain http:// on the same port", async () => {
    expect(mock.url).toMatch(/^http:/);
    expect(new URL(mock.url).port).toBe(new URL(mock.tls!.url).port);
    expect(await fetch(`${mock.url}/_mock/v1/health`).then((r) => r.json())).toMatchObject({ status: "ok" });
  });

  it("serves its CA at /_mock/v1/tls/ca.pem, the certificate that verifies the server's", async () => {
    const served = await fetch(`${mock.url}/_mock/v1/tls/ca.pem`);
    expect(served.headers.get("content-type")).toBe("application/x-pem-file");
    const pem = await served.text();
    expect(pem).toBe(ca);
    const leaf = await new Promise<X509Certificate>((resolve, reject) => {
      const socket = tlsConnect({ host: "127.0.0.1", port: Number(new URL(mock.tls!.url).port), ca: pem, servername: "localhost" }, () => {
        resolve(socket.getPeerX509Certificate()!);
        socket.end();
      });
      socket.on("error", reject);
    });
    expect(leaf.verify(new X509Certificate(pem).publicKey)).toBe(true);
    expect(mock.tls!.names).toEqual(expect.arrayContaining(["localhost", "127.0.0.1", "::1"]));
  });

  it("gives the same seed the same CA key and subject on a new start, so a trust store keeps working", async () => {
    const again = await createMockScalekit({ seed: "tls-suite", tls: true });
    const other = await createMockScalekit({ seed: "another-seed", tls: true });
    try {
      const key = (pem: string) => new X509Certificate(pem).publicKey.export({ format: "jwk" });
      const subject = (pem: string) => new X509Certificate(pem).subject;
      expect(key(again.tls!.ca!)).toEqual(key(ca));
      expect(subject(again.tls!.ca!)).toBe(subject(ca));
      expect(key(other.tls!.ca!)).not.toEqual(key(ca));
    } finally {
      await Promise.all([again.close(), other.close()]);
    }
  });

  it("disconnects a client that sends garbage after its ClientHello, and keeps serving", async () => {
    const hello = await captureClientHello();
    const garbage = Buffer.concat([hello, Buffer.from([0x17, 0x03, 0x03, 0x00, 0x08, 1, 2, 3, 4, 5, 6, 7, 8]), Buffer.from("GET / HTTP/1.1\r\n\r\n")]);
    const answer = await exchange(mock.tls!.url, garbage);
    expect(answer.closed).toBe(true);
    // It got TLS records back (the ServerHello, then an alert), never an HTTP answer.
    expect(answer.received[0]).toBe(0x16);
    expect(answer.received.toString("latin1")).not.toContain("HTTP/1.1");
    expect((await https2(`${mock.tls!.url}/_mock/v1/health`, { ca })).status).toBe(200);
  });

  it("closes a TLS connection whose record header is followed by nonsense", async () => {
    const answer = await exchange(mock.tls!.url, Buffer.from([0x16, 0x03, 0x01, 0x00, 0x04, 0xff, 0xff, 0xff, 0xff]));
    expect(answer.closed).toBe(true);
    expect((await https1(`${mock.tls!.url}/_mock/v1/health`, { ca })).status).toBe(200);
  });
});

describe("the port that speaks only TLS", () => {
  it("answers a plain HTTP/1.1 request 400 in plain text, saying to use https://, then closes", async () => {
    const plain = mock.tls!.tlsPortUrl!.replace(/^https:/, "http:");
    const answer = await exchange(plain, Buffer.from("GET /_mock/v1/health HTTP/1.1\r\nHost: localhost\r\n\r\n"));
    expect(answer.closed).toBe(true);
    const text = answer.received.toString("utf8");
    expect(text).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(text).toContain("this port speaks only TLS: use https://");
  });

  it("closes a cleartext HTTP/2 connection without serving it", async () => {
    const plain = mock.tls!.tlsPortUrl!.replace(/^https:/, "http:");
    const answer = await exchange(plain, Buffer.from("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\x00\x00\x00\x04\x00\x00\x00\x00\x00"));
    expect(answer).toEqual({ closed: true, received: Buffer.alloc(0) });
  });
});

describe("a mock without TLS", () => {
  it("closes a TLS connection at once and says, once, to start with --tls", async () => {
    const logged = vi.spyOn(console, "error").mockImplementation(() => undefined);
    const plain = await createMockScalekit({ seed: "tls-off" });
    try {
      const hello = await captureClientHello();
      for (let i = 0; i < 2; i++) expect(await exchange(plain.url, hello)).toEqual({ closed: true, received: Buffer.alloc(0) });
      const tlsLines = logged.mock.calls.map((args) => String(args[0])).filter((line) => line.includes("TLS"));
      expect(tlsLines).toEqual([expect.stringContaining("start the mock with --tls")]);
      const served = await fetch(`${plain.url}/_mock/v1/tls/ca.pem`);
      expect(served.status).toBe(404);
      expect((await served.json()).error.message).toContain("--tls");
      expect(plain.tls).toBeUndefined();
    } finally {
      logged.mockRestore();
      await plain.close();
    }
  });

  it("closes a TLS handshake that stalls past the first-byte timeout", async () => {
    const quick = await createMockScalekit({ seed: "tls-stall", tls: true, firstByteTimeout: 300 });
    try {
      const started = performance.now();
      const answer = await exchange(quick.tls!.url, Buffer.from([0x16, 0x03, 0x01]), 5_000);
      expect(answer.closed).toBe(true);
      expect(performance.now() - started).toBeLessThan(3_000);
    } finally {
      await quick.close();
    }
  });
});

describe("a certificate brought with tlsCert and tlsKey", () => {
  const dir = mkdtempSync(join(tmpdir(), "scalekit-mock-tls-"));
  const write = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  const day = 86_400_000;

  it("is served, and ca.pem says the mock has no CA of its own", async () => {
    const now = Date.now();
    const own = await issueTestCertificate({ commonName: "localhost", names: ["localhost", "127.0.0.1"], notBefore: new Date(now - day), notAfter: new Date(now + day) });
    const brought = await createMockScalekit({ tlsCert: write("own.crt", own.certPem), tlsKey: write("own.key", own.keyPem) });
    try {
      expect(brought.tls).toMatchObject({ ca: undefined, names: ["localhost", "127.0.0.1"] });
      expect((await https2(`${brought.tls!.url}/_mock/v1/health`, { ca: own.certPem })).status).toBe(200);
      const served = await fetch(`${brought.url}/_mock/v1/tls/ca.pem`);
      expect(served.status).toBe(404);
      expect((await served.json()).error.message).toContain("--tls-cert");
    } finally {
      await brought.close();
    }
  });

  it("stops the start with what is wrong when it has expired, or the key is another's", async () => {
    const now = Date.now();
    const expired = await issueTestCertificate({ commonName: "localhost", names: ["localhost"], notBefore: new Date(now - 3 * day), notAfter: new Date(now - day) });
    const valid = await issueTestCertificate({ commonName: "localhost", names: ["localhost"], notBefore: new Date(now - day), notAfter: new Date(now + day) });
    await expect(createMockScalekit({ tlsCert: write("expired.crt", expired.certPem), tlsKey: write("expired.key", expired.keyPem) })).rejects.toThrow(/expired/i);
    await expect(createMockScalekit({ tlsCert: write("valid.crt", valid.certPem), tlsKey: write("foreign.key", expired.keyPem) })).rejects.toThrow(/key/i);
  });
});

describe("tlsCaOut", () => {
  it("writes the generated CA, the same one /_mock/v1/tls/ca.pem serves", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "scalekit-mock-ca-")), "ca.pem");
    const written = await createMockScalekit({ seed: "ca-out", tlsCaOut: file });
    try {
      expect(written.tls!.caFile).toBe(file);
      expect(readFileSync(file, "utf8")).toBe(await fetch(`${written.url}/_mock/v1/tls/ca.pem`).then((r) => r.text()));
    } finally {
      await written.close();
    }
  });
});
