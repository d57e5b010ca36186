import { createServer as createNetServer } from "node:net";
import { connect, createServer, type TLSSocket } from "node:tls";
import { afterEach, describe, expect, it } from "vitest";
import { issueTestCertificate, type TestCertificate } from "./certificates.test-helpers.js";
import { generateTls } from "./generate.js";
import { CA_KEY_LABEL, seedKeyJwk } from "./seed-keys.js";

const NOW = new Date();
const SEED = "handshake-seed";
const NAMES = ["localhost", "127.0.0.1", "::1"];
const material = await generateTls({ seed: SEED, names: NAMES, now: NOW });

/** Whether this machine can listen on the IPv6 loopback (containers often lack it). */
const ipv6Loopback = await new Promise<boolean>((resolve) => {
  const probe = createNetServer();
  probe.once("error", () => resolve(false));
  probe.listen(0, "::1", () => probe.close(() => resolve(true)));
});

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

/** A TLS server with this certificate and key, answering every handshake and then closing. */
async function serve(credentials: TestCertificate, host: string): Promise<number> {
  const server = createServer({ cert: credentials.certPem, key: credentials.keyPem }, (socket) => socket.end());
  server.on("tlsClientError", () => {}); // a refused handshake is what some tests expect
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  closers.push(() => new Promise((resolve) => server.close(() => resolve())));
  return (server.address() as { port: number }).port;
}

interface Outcome {
  authorized: boolean;
  /** The client's error code when the handshake or the name check failed (UNSPECIFIED for a name-constraint error)... */
  error?: string | undefined;
  /** ...and OpenSSL's words for it. */
  reason?: string;
}

/** Connects as a client that trusts `ca` (or only the system roots), and says how the handshake went. */
function handshake(o: { host: string; port: number; ca?: string; servername?: string }): Promise<Outcome> {
  return new Promise((resolve) => {
    const socket: TLSSocket = connect({ host: o.host, port: o.port, ca: o.ca, servername: o.servername });
    socket.once("secureConnect", () => {
      resolve({ authorized: socket.authorized });
      socket.destroy();
    });
    socket.once("error", (error: NodeJS.ErrnoException) => resolve({ authorized: false, error: error.code, reason: error.message }));
  });
}

describe("the generated certificate in a real TLS handshake", () => {
  const server = { certPem: material.certPem, keyPem: material.keyPem };

  it("is accepted by a client that trusts the CA and connects by name", async () => {
    const port = await serve(server, "127.0.0.1");
    expect(await handshake({ host: "127.0.0.1", port, ca: material.caPem, servername: "localhost" })).toEqual({ authorized: true });
  });

  it("is accepted by a client that connects by the IPv4 loopback address", async () => {
    const port = await serve(server, "127.0.0.1");
    expect(await handshake({ host: "127.0.0.1", port, ca: material.caPem })).toEqual({ authorized: true });
  });

  it.skipIf(!ipv6Loopback)("is accepted by a client that connects by the IPv6 loopback address (skipped where ::1 cannot be bound)", async () => {
    const port = await serve(server, "::1");
    expect(await handshake({ host: "::1", port, ca: material.caPem })).toEqual({ authorized: true });
  });

  it("is accepted by IP address when made for IP addresses only (the common name is then no address OpenSSL would check against the constraints)", async () => {
    const ipOnly = await generateTls({ seed: SEED, names: ["127.0.0.1"], now: NOW });
    const port = await serve({ certPem: ipOnly.certPem, keyPem: ipOnly.keyPem }, "127.0.0.1");
    expect(await handshake({ host: "127.0.0.1", port, ca: ipOnly.caPem })).toEqual({ authorized: true });
  });

  it("is refused by a client that does not trust the CA", async () => {
    const port = await serve(server, "127.0.0.1");
    expect(await handshake({ host: "127.0.0.1", port, servername: "localhost" })).toMatchObject({ authorized: false, error: "UNABLE_TO_VERIFY_LEAF_SIGNATURE" });
  });

  it("is refused for a name it was not made for", async () => {
    const port = await serve(server, "127.0.0.1");
    expect(await handshake({ host: "127.0.0.1", port, ca: material.caPem, servername: "other.example" })).toMatchObject({
      authorized: false,
      error: "ERR_TLS_CERT_ALTNAME_INVALID",
    });
  });
});

describe("the name constraints of the generated CA", () => {
  const hour = 60 * 60 * 1000;
  /** A leaf anyone could make: the seed is public, so is the CA key derived from it. */
  const rogueLeaf = (caPem: string, names: string[]) =>
    issueTestCertificate({
      commonName: names[0]!,
      names,
      notBefore: new Date(NOW.getTime() - hour),
      notAfter: new Date(NOW.getTime() + hour),
      issuer: { caPem, jwk: seedKeyJwk(CA_KEY_LABEL, SEED) },
    });

  it("let a leaf signed with the CA key for a covered name through", async () => {
    const port = await serve(await rogueLeaf(material.caPem!, ["localhost"]), "127.0.0.1");
    expect(await handshake({ host: "127.0.0.1", port, ca: material.caPem, servername: "localhost" })).toEqual({ authorized: true });
  });

  it("refuse a leaf signed with the CA key for another DNS name", async () => {
    const port = await serve(await rogueLeaf(material.caPem!, ["evil.example"]), "127.0.0.1");
    expect(await handshake({ host: "127.0.0.1", port, ca: material.caPem, servername: "evil.example" })).toMatchObject({
      authorized: false,
      reason: "permitted subtree violation",
    });
  });

  it("refuse a leaf signed with the CA key for another IP address", async () => {
    const port = await serve(await rogueLeaf(material.caPem!, ["127.0.0.2"]), "127.0.0.1");
    expect(await handshake({ host: "127.0.0.1", port, ca: material.caPem })).toMatchObject({ authorized: false, reason: "permitted subtree violation" });
  });

  it("refuse a leaf for any IP address when the CA was made for DNS names only", async () => {
    const dnsOnly = await generateTls({ seed: SEED, names: ["localhost"], now: NOW });
    const port = await serve(await rogueLeaf(dnsOnly.caPem!, ["127.0.0.1"]), "127.0.0.1");
    expect(await handshake({ host: "127.0.0.1", port, ca: dnsOnly.caPem })).toMatchObject({ authorized: false, reason: "excluded subtree violation" });
  });
});
