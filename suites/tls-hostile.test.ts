import { mkdtempSync, readdirSync } from "node:fs";
import { connect as netConnect, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Duplex } from "node:stream";
import { connect as tlsConnect, type ConnectionOptions, type TLSSocket } from "node:tls";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMockScalekit, type MockScalekit } from "../mock-server/src/index.js";

/**
 * TLS clients that misbehave once the handshake is done: each connection
 * must end as soon as it is broken, not when a timeout finally notices.
 * The timeouts here are long, so only a prompt close passes.
 */

let mock: MockScalekit;
let port: number;

beforeAll(async () => {
  mock = await createMockScalekit({ seed: "tls-hostile", tls: true, firstByteTimeout: 400, headersTimeout: 20_000, requestTimeout: 20_000, idleTimeout: 20_000 });
  port = Number(new URL(mock.tls!.url).port);
});
afterAll(() => mock?.close());

/** A TLS client whose TCP socket the test holds: TLS runs over a pipe, so the client's own errors cannot close the connection watched. */
async function securedOverPipe(alpn: string): Promise<{ raw: Socket; tls: TLSSocket; closed: Promise<number> }> {
  const raw = netConnect(port, "127.0.0.1");
  raw.on("error", () => undefined);
  const pipe = new Duplex({
    read() {},
    write(chunk, _encoding, done) {
      if (!raw.destroyed) raw.write(chunk);
      done();
    },
  });
  raw.on("data", (chunk) => pipe.push(chunk));
  const tls = tlsConnect({ socket: pipe, servername: "localhost", ca: mock.tls!.ca!, ALPNProtocols: [alpn] });
  tls.on("error", () => undefined);
  await new Promise((resolve) => tls.once("secureConnect", resolve));
  const closed = new Promise<number>((resolve) => raw.once("close", () => resolve(performance.now())));
  return { raw, tls, closed };
}

const withinMs = async (closed: Promise<number>, from: number, ms: number) =>
  Promise.race([closed.then((at) => at - from), new Promise<number>((resolve) => setTimeout(() => resolve(Infinity), ms))]);

describe("after a TLS handshake", () => {
  it.each(["http/1.1", "h2"])("closes the connection at once when the client sends a corrupt record (%s)", async (alpn) => {
    const { raw, tls, closed } = await securedOverPipe(alpn);
    if (alpn === "h2") tls.write(Buffer.from("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\x00\x00\x00\x04\x00\x00\x00\x00\x00", "latin1"));
    await new Promise((resolve) => setTimeout(resolve, 50));
    const sent = performance.now();
    // Application data with a tag that cannot authenticate.
    raw.write(Buffer.concat([Buffer.from([0x17, 0x03, 0x03, 0x00, 0x40]), Buffer.alloc(64, 0xab)]));
    expect(await withinMs(closed, sent, 3_000)).toBeLessThan(3_000);
    raw.destroy();
  });

  it("ends the connection when a client renegotiates more often than TLS allows", async () => {
    const client = tlsConnect({ host: "127.0.0.1", port, servername: "localhost", ca: mock.tls!.ca!, maxVersion: "TLSv1.2", ALPNProtocols: ["http/1.1"] });
    client.on("error", () => undefined);
    await new Promise((resolve) => client.once("secureConnect", resolve));
    const closed = new Promise<void>((resolve) => client.once("close", () => resolve()));
    let renegotiated = 0;
    for (let i = 0; i < 6 && !client.destroyed; i++) {
      const ok = await new Promise<boolean>((resolve) => {
        if (!client.renegotiate({ rejectUnauthorized: true }, (error) => resolve(error === null || error === undefined))) resolve(false);
        setTimeout(() => resolve(false), 2_000);
      });
      if (ok) renegotiated += 1;
      else break;
    }
    await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 3_000))]);
    expect(client.destroyed).toBe(true);
    // Node allows tls.CLIENT_RENEG_LIMIT (3) renegotiations in its window, then calls it an attack.
    expect(renegotiated).toBeLessThanOrEqual(3);
  });

  it("closes an h2 connection whose client half-closes it (close_notify and FIN), without waiting for the idle timeout", async () => {
    const options: ConnectionOptions & { allowHalfOpen: boolean } = { host: "127.0.0.1", port, servername: "localhost", ca: mock.tls!.ca!, ALPNProtocols: ["h2"], allowHalfOpen: true };
    const client = tlsConnect(options);
    client.on("error", () => undefined);
    await new Promise((resolve) => client.once("secureConnect", resolve));
    client.write(Buffer.from("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\x00\x00\x00\x04\x00\x00\x00\x00\x00", "latin1"));
    client.resume();
    const closed = new Promise<number>((resolve) => client.once("close", () => resolve(performance.now())));
    const ended = performance.now();
    client.end();
    expect(await withinMs(closed, ended, 3_000)).toBeLessThan(3_000);
  });

  it("closes an h2 connection that never sends its preface within the first-byte timeout", async () => {
    const client = tlsConnect({ host: "127.0.0.1", port, servername: "localhost", ca: mock.tls!.ca!, ALPNProtocols: ["h2"] });
    client.on("error", () => undefined);
    await new Promise((resolve) => client.once("secureConnect", resolve));
    client.resume();
    const started = performance.now();
    const closed = new Promise<number>((resolve) => client.once("close", () => resolve(performance.now())));
    // Half a preface, then silence.
    client.write("PRI * HTTP/2.0\r\n");
    expect(await withinMs(closed, started, 5_000)).toBeLessThan(5_000);
  });
});

describe("tlsCaOut", () => {
  it("refuses a path it cannot write, and leaves no temporary file behind", async () => {
    const dir = mkdtempSync(join(tmpdir(), "scalekit-mock-ca-dir-"));
    await expect(createMockScalekit({ seed: "ca-dir", tls: true, tlsCaOut: dir })).rejects.toThrow(`cannot write the CA certificate to ${dir} (--tls-ca-out): EISDIR`);
    expect(readdirSync(join(dir, ".."))).not.toContainEqual(expect.stringMatching(new RegExp(`^${dir.split("/").pop()}\\.\\d+\\.tmp$`)));
  });
});
