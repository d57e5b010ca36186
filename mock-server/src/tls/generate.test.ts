import "reflect-metadata";
import { createPrivateKey, X509Certificate } from "node:crypto";
import * as x509 from "@peculiar/x509";
import { describe, expect, it } from "vitest";
import { generateTls } from "./generate.js";
import { TlsConfigError } from "./material.js";
import { NAME_CONSTRAINTS_OID } from "./name-constraints.js";

const NOW = new Date("2026-03-01T12:00:00Z");
const NAMES = ["localhost", "127.0.0.1", "::1", "*.example.com"];
const hour = 60 * 60 * 1000;

const caOf = async (seed: string, names = NAMES, now = NOW) => new X509Certificate((await generateTls({ seed, names, now })).caPem!);
const spki = (certificate: X509Certificate) => certificate.publicKey.export({ type: "spki", format: "der" }).toString("hex");

describe("the CA generated from a seed", () => {
  it("has the same key, subject and serial for the same seed and names, whenever it is made", async () => {
    const [first, later] = await Promise.all([caOf("seed-a"), caOf("seed-a", NAMES, new Date("2030-07-01T00:00:00Z"))]);
    expect(spki(later)).toBe(spki(first));
    expect(later.subject).toBe(first.subject);
    expect(later.serialNumber).toBe(first.serialNumber);
    expect([later.validFrom, later.validTo]).toEqual(["Jan  1 00:00:00 2025 GMT", "Jan  1 00:00:00 2045 GMT"]);
  });

  it("is the same for the same names listed in another order", async () => {
    const [a, b] = await Promise.all([caOf("seed-a"), caOf("seed-a", [...NAMES].reverse())]);
    expect([b.subject, b.serialNumber]).toEqual([a.subject, a.serialNumber]);
  });

  it("has another key and subject for another seed", async () => {
    const [a, b] = await Promise.all([caOf("seed-a"), caOf("seed-b")]);
    expect(spki(b)).not.toBe(spki(a));
    expect(b.subject).not.toBe(a.subject);
  });

  it("keeps its key for another name set but takes another subject, since its name constraints differ", async () => {
    const [a, b] = await Promise.all([caOf("seed-a"), caOf("seed-a", ["localhost"])]);
    expect(spki(b)).toBe(spki(a));
    expect(b.subject).not.toBe(a.subject);
    expect(a.subject).toMatch(/^CN=scalekit-mock local CA \(seed [0-9a-f]{8} \/ names [0-9a-f]{8}\)\nO=scalekit-mock$/);
  });

  it("is a CA for end-entity certificates only, limited to the names by critical name constraints", async () => {
    const ca = new x509.X509Certificate((await generateTls({ seed: "seed-a", names: NAMES, now: NOW })).caPem!);
    const basic = ca.getExtension(x509.BasicConstraintsExtension)!;
    expect([basic.ca, basic.pathLength, basic.critical]).toEqual([true, 0, true]);
    const usage = ca.getExtension(x509.KeyUsagesExtension)!;
    expect([usage.usages, usage.critical]).toEqual([x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true]);
    expect(ca.getExtension(x509.SubjectKeyIdentifierExtension)?.keyId).toMatch(/^[0-9a-f]{40}$/);
    expect(ca.getExtension(NAME_CONSTRAINTS_OID)?.critical).toBe(true);
    expect(await ca.verify({ signatureOnly: true })).toBe(true);
  });
});

describe("the server certificate", () => {
  it("is valid for every name, DNS and IP alike, and for no other", async () => {
    const material = await generateTls({ seed: "seed-a", names: NAMES, now: NOW });
    const leaf = new X509Certificate(material.certPem);
    expect(leaf.subjectAltName).toBe("DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1, DNS:*.example.com");
    expect(leaf.subject).toBe("CN=localhost");
    expect(leaf.checkHost("localhost")).toBe("localhost");
    expect(leaf.checkHost("api.example.com")).toBe("*.example.com"); // the name that matched
    expect(leaf.checkHost("evil.example")).toBeUndefined();
    expect(leaf.checkIP("127.0.0.1")).toBe("127.0.0.1");
    expect(leaf.checkIP("::1")).toBe("::1");
    expect(leaf.checkIP("10.0.0.1")).toBeUndefined();
    expect(material.names).toEqual(NAMES);
  });

  it("is signed by the CA and is no CA itself", async () => {
    const material = await generateTls({ seed: "seed-a", names: NAMES, now: NOW });
    const [leaf, ca] = [new X509Certificate(material.certPem), new X509Certificate(material.caPem!)];
    expect(leaf.verify(ca.publicKey)).toBe(true);
    expect(leaf.checkIssued(ca)).toBe(true);
    expect(leaf.ca).toBe(false);
    expect(leaf.keyUsage).toEqual(["1.3.6.1.5.5.7.3.1"]); // Node lists the extended key usages here: serverAuth
  });

  it("carries the key usages and identifiers clients check", async () => {
    const material = await generateTls({ seed: "seed-a", names: NAMES, now: NOW });
    const [leaf, ca] = [new x509.X509Certificate(material.certPem), new x509.X509Certificate(material.caPem!)];
    const usage = leaf.getExtension(x509.KeyUsagesExtension)!;
    expect([usage.usages, usage.critical]).toEqual([x509.KeyUsageFlags.digitalSignature, true]);
    expect(leaf.getExtension(x509.BasicConstraintsExtension)?.ca).toBe(false);
    expect(leaf.getExtension(x509.AuthorityKeyIdentifierExtension)?.keyId).toBe(ca.getExtension(x509.SubjectKeyIdentifierExtension)?.keyId);
    expect(leaf.signatureAlgorithm).toMatchObject({ name: "ECDSA", hash: { name: "SHA-256" } });
  });

  it("is valid from an hour before now for 397 days", async () => {
    const material = await generateTls({ seed: "seed-a", names: NAMES, now: NOW });
    const leaf = new X509Certificate(material.certPem);
    expect(new Date(leaf.validFrom)).toEqual(new Date(NOW.getTime() - hour));
    expect(new Date(leaf.validTo)).toEqual(new Date(NOW.getTime() + 397 * 24 * hour));
    expect(material.notAfter).toEqual(new Date(leaf.validTo));
  });

  it("comes alone in certPem, with a P-256 PKCS#8 key that belongs to it", async () => {
    const material = await generateTls({ seed: "seed-a", names: NAMES, now: NOW });
    expect(material.certPem.match(/BEGIN CERTIFICATE/g)).toHaveLength(1);
    expect(material.keyPem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    const leaf = new X509Certificate(material.certPem);
    expect(leaf.publicKey.asymmetricKeyDetails?.namedCurve).toBe("prime256v1");
    expect(leaf.checkPrivateKey(createPrivateKey(material.keyPem))).toBe(true);
    expect(material.source).toBe("generated");
  });

  it("gets a new serial number when made at another time, so no two certificates share issuer and serial", async () => {
    const [a, b] = await Promise.all([generateTls({ seed: "seed-a", names: NAMES, now: NOW }), generateTls({ seed: "seed-a", names: NAMES, now: new Date(NOW.getTime() + 1) })]);
    expect(new X509Certificate(a.certPem).serialNumber).not.toBe(new X509Certificate(b.certPem).serialNumber);
  });
});

describe("generateTls input", () => {
  it("normalizes and deduplicates the names", async () => {
    const material = await generateTls({ seed: "seed-a", names: ["LOCALHOST.", "localhost", "[0:0:0:0:0:0:0:1]"], now: NOW });
    expect(material.names).toEqual(["localhost", "::1"]);
  });

  it("refuses a name that cannot be in a certificate, saying which", async () => {
    await expect(generateTls({ seed: "seed-a", names: ["localhost", "not a host"], now: NOW })).rejects.toThrow(
      new TlsConfigError('Cannot generate a TLS certificate for "not a host": it is neither a DNS name nor an IP address. Remove it from the host names.'),
    );
  });

  it("refuses an empty name list", async () => {
    await expect(generateTls({ seed: "seed-a", names: [], now: NOW })).rejects.toBeInstanceOf(TlsConfigError);
  });
});
