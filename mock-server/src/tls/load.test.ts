import { createPrivateKey, X509Certificate } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { issueTestCertificate } from "./certificates.test-helpers.js";
import { generateTls } from "./generate.js";
import { loadTls, subjectAltNames } from "./load.js";
import { TlsConfigError } from "./material.js";
import { CA_KEY_LABEL, seedKeyJwk } from "./seed-keys.js";

const NOW = new Date("2026-03-01T12:00:00Z");
const day = 24 * 60 * 60 * 1000;
const dir = mkdtempSync(join(tmpdir(), "scalekit-mock-tls-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const generated = await generateTls({ seed: "load", names: ["localhost", "127.0.0.1", "::1"], now: NOW });
const otherKey = (await generateTls({ seed: "another seed", names: ["localhost"], now: NOW })).keyPem;

let files = 0;
/** Writes a fixture file and returns its path. */
function file(content: string | Buffer): string {
  const path = join(dir, `file-${++files}.pem`);
  writeFileSync(path, content);
  return path;
}

const GOOD_CERT = file(generated.certPem);
const GOOD_KEY = file(generated.keyPem);

/** Lines of base64 in any key the tests use: a message must never quote them. */
const KEY_LINES = [generated.keyPem, otherKey].flatMap((pem) => pem.split("\n").filter((line) => /^[A-Za-z0-9+/=]{16,}$/.test(line)));

/** The TlsConfigError loadTls throws, after checking it quotes no key. */
function refusal(certFile: string, keyFile: string, now = NOW): string {
  try {
    loadTls({ certFile, keyFile, now });
  } catch (error) {
    expect(error).toBeInstanceOf(TlsConfigError);
    const message = (error as Error).message;
    for (const line of KEY_LINES) expect(message).not.toContain(line.slice(0, 16));
    return message;
  }
  throw new Error("expected loadTls to refuse the files, but it accepted them");
}

describe("loadTls with a good certificate", () => {
  it("returns the certificate, the key as PKCS#8, the names from subjectAltName and the expiry", () => {
    const material = loadTls({ certFile: GOOD_CERT, keyFile: GOOD_KEY, now: NOW });
    expect(material).toEqual({
      certPem: generated.certPem,
      keyPem: generated.keyPem,
      caPem: undefined,
      names: ["localhost", "127.0.0.1", "::1"],
      source: "file",
      notAfter: generated.notAfter,
    });
  });

  it("re-encodes a SEC1 (EC PRIVATE KEY) key as PKCS#8", () => {
    const sec1 = createPrivateKey(generated.keyPem).export({ type: "sec1", format: "pem" }) as string;
    expect(sec1).toContain("BEGIN EC PRIVATE KEY");
    expect(loadTls({ certFile: GOOD_CERT, keyFile: file(sec1), now: NOW }).keyPem).toBe(generated.keyPem);
  });

  it("keeps the intermediates after the leaf, in order, and ignores text around the blocks", () => {
    const chain = file(`subject=CN = localhost\n${generated.certPem}some comment\n${generated.caPem}`);
    expect(loadTls({ certFile: chain, keyFile: GOOD_KEY, now: NOW }).certPem).toBe(`${generated.certPem}${generated.caPem}`);
  });

  it("reads certificate and key from one combined file", () => {
    const combined = file(`${generated.keyPem}${generated.certPem}`);
    expect(loadTls({ certFile: combined, keyFile: combined, now: NOW }).certPem).toBe(generated.certPem);
  });
});

describe("loadTls refuses, saying what is wrong and what to do,", () => {
  it("a missing certificate or key file, naming it and the errno code", () => {
    const missing = join(dir, "missing.pem");
    expect(refusal(missing, GOOD_KEY)).toBe(
      `Cannot read the TLS certificate file "${missing}" (ENOENT: no such file). Check the path given to --tls-cert and that the mock may read it.`,
    );
    expect(refusal(GOOD_CERT, missing)).toBe(`Cannot read the TLS key file "${missing}" (ENOENT: no such file). Check the path given to --tls-key and that the mock may read it.`);
  });

  it("a directory given as a file", () => {
    const folder = join(dir, "a-folder");
    mkdirSync(folder);
    expect(refusal(folder, GOOD_KEY)).toContain(`"${folder}" (EISDIR: it is a directory)`);
  });

  it("a certificate file that is not PEM", () => {
    const der = file(new X509Certificate(generated.certPem).raw);
    expect(refusal(der, GOOD_KEY)).toMatch(/^The TLS certificate file ".*" holds no certificate: found no PEM block \(is it DER\? convert it: openssl x509 -inform der/);
  });

  it("a key given as the certificate, asking whether the files were swapped", () => {
    expect(refusal(GOOD_KEY, GOOD_CERT)).toBe(
      `The TLS certificate file "${GOOD_KEY}" holds no certificate: found only PRIVATE KEY. It looks like a key: were --tls-cert and --tls-key swapped? Give --tls-cert a PEM file that starts with -----BEGIN CERTIFICATE-----.`,
    );
  });

  it("a certificate given as the key", () => {
    expect(refusal(GOOD_CERT, GOOD_CERT)).toBe(
      `The TLS key file "${GOOD_CERT}" holds no private key: found only CERTIFICATE. It looks like a certificate: were --tls-cert and --tls-key swapped? Give --tls-key the PEM file with the certificate's private key.`,
    );
  });

  it.each([
    ["PKCS#8", "pkcs8"],
    ["legacy SEC1", "sec1"],
  ] as const)("an encrypted %s key, which the mock has no passphrase for", (_, type) => {
    const encrypted = createPrivateKey(generated.keyPem).export({ type, format: "pem", cipher: "aes-256-cbc", passphrase: "secret" }) as string;
    expect(refusal(GOOD_CERT, file(encrypted))).toMatch(/holds an encrypted private key, and the mock cannot ask for its passphrase\. Decrypt a copy \(openssl pkey/);
  });

  it("a private key block that does not parse", () => {
    const garbage = file("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");
    expect(refusal(GOOD_CERT, garbage)).toMatch(/^The TLS key file ".*" holds a PRIVATE KEY block that is not a readable private key \(ERR_\w+\)\./);
  });

  it("a certificate block that does not parse", () => {
    const garbage = file("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
    expect(refusal(garbage, GOOD_KEY)).toMatch(/^Certificate 1 in the TLS certificate file ".*" is not a valid X\.509 certificate/);
  });

  it("a key that belongs to another certificate", () => {
    const foreign = file(otherKey);
    expect(refusal(GOOD_CERT, foreign)).toBe(
      `The TLS key "${foreign}" does not belong to the certificate "${GOOD_CERT}": its public key is not the certificate's. Give --tls-key the key the certificate was issued for.`,
    );
  });

  it("an expired certificate, saying when it expired", async () => {
    const expired = await issueTestCertificate({ commonName: "localhost", names: ["localhost"], notBefore: new Date("2020-01-01T00:00:00Z"), notAfter: new Date("2021-01-01T00:00:00Z") });
    const certFile = file(expired.certPem);
    expect(refusal(certFile, file(expired.keyPem))).toBe(
      `The TLS certificate "${certFile}" expired on 2021-01-01T00:00:00.000Z. Renew it, or leave out --tls-cert and --tls-key to use a certificate generated from the seed.`,
    );
  });

  it("a certificate not valid yet, saying from when", async () => {
    const early = await issueTestCertificate({ commonName: "localhost", names: ["localhost"], notBefore: new Date(NOW.getTime() + day), notAfter: new Date(NOW.getTime() + 90 * day) });
    expect(refusal(file(early.certPem), file(early.keyPem))).toMatch(/is not valid yet: it is valid from 2026-03-02T12:00:00\.000Z\. Check this machine's clock/);
  });

  it("accepts the same certificate once its time has come", async () => {
    const early = await issueTestCertificate({ commonName: "localhost", names: ["localhost"], notBefore: new Date(NOW.getTime() + day), notAfter: new Date(NOW.getTime() + 90 * day) });
    const material = loadTls({ certFile: file(early.certPem), keyFile: file(early.keyPem), now: new Date(NOW.getTime() + 2 * day) });
    expect(material.names).toEqual(["localhost"]);
  });

  it("a CA certificate given as the server certificate", () => {
    const caKey = createPrivateKey({ key: seedKeyJwk(CA_KEY_LABEL, "load"), format: "jwk" }).export({ type: "pkcs8", format: "pem" }) as string;
    const caFile = file(generated.caPem!);
    expect(refusal(caFile, file(caKey))).toBe(
      `The TLS certificate "${caFile}" is a CA certificate (basic constraints CA:TRUE), not a server certificate. Give --tls-cert the certificate the CA issued for this server (and --tls-key its key); put the CA in the clients' trust store instead.`,
    );
  });

  it("a certificate without subjectAltName, which browsers, Go and gRPC clients would refuse", async () => {
    const bare = await issueTestCertificate({ commonName: "localhost", names: [], notBefore: new Date(NOW.getTime() - day), notAfter: new Date(NOW.getTime() + day) });
    expect(refusal(file(bare.certPem), file(bare.keyPem))).toMatch(/has no DNS name or IP address in its subjectAltName; browsers, Go and gRPC clients ignore the common name/);
  });
});

describe("subjectAltNames", () => {
  it("reads DNS names and IP addresses from Node's text, unquoting values and shortening IPv6", () => {
    expect(subjectAltNames('DNS:localhost, IP Address:0:0:0:0:0:0:0:1, email:a@b.example, DNS:"odd,name", IP Address:10.0.0.1')).toEqual([
      "localhost",
      "::1",
      "odd,name",
      "10.0.0.1",
    ]);
    expect(subjectAltNames(undefined)).toEqual([]);
  });
});
