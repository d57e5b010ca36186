// tsyringe, inside @peculiar/x509, throws at load time unless the Reflect
// metadata polyfill is already in place: this import must stay first.
import "reflect-metadata";
import { createPrivateKey, webcrypto } from "node:crypto";
import * as x509 from "@peculiar/x509";
import type { TlsMaterial } from "./material.js";
import { NAME_CONSTRAINTS_OID, nameConstraintsDer } from "./name-constraints.js";
import { isIpName } from "./names.js";
import { CA_KEY_LABEL, derivedSerial, publicJwk, SERVER_KEY_LABEL, seedKeyJwk, shortHash } from "./seed-keys.js";

// This module is only ever loaded by generateTls, so the libraries above stay
// out of a mock started without TLS.
x509.cryptoProvider.set(webcrypto as unknown as Crypto);

/** ECDSA P-256 with SHA-256: the pair every TLS client accepts (Chromium, BoringSSL, Go, Java, OpenSSL). */
const SIGNING = { name: "ECDSA", hash: "SHA-256" };
const EC_P256 = { name: "ECDSA", namedCurve: "P-256" };

/** Fixed, so the CA of a seed is the same certificate (up to its signature) on every start. */
const CA_NOT_BEFORE = new Date("2025-01-01T00:00:00Z");
const CA_NOT_AFTER = new Date("2045-01-01T00:00:00Z");
/** A client whose clock runs a little behind still accepts a certificate made a moment ago. */
const LEAF_BACKDATE_MS = 60 * 60 * 1000;
/** Browsers refuse server certificates valid for more than 398 days. */
const LEAF_LIFETIME_MS = 397 * 24 * 60 * 60 * 1000;
/** The upper bound X.509 sets on a common name. */
const MAX_COMMON_NAME = 64;

interface KeyPair {
  publicKey: CryptoKey;
  privateKey: CryptoKey;
  pkcs8Pem: string;
}

async function seedKeyPair(label: string, seed: string): Promise<KeyPair> {
  const jwk = seedKeyJwk(label, seed);
  const [privateKey, publicKey] = await Promise.all([
    webcrypto.subtle.importKey("jwk", jwk, EC_P256, false, ["sign"]),
    webcrypto.subtle.importKey("jwk", publicJwk(jwk), EC_P256, true, ["verify"]),
  ]);
  const pkcs8Pem = createPrivateKey({ key: jwk, format: "jwk" }).export({ type: "pkcs8", format: "pem" }) as string;
  return { publicKey, privateKey, pkcs8Pem };
}

/**
 * The subject of the CA: it names the seed and the name set, both as short
 * hashes. The name constraints depend on the names, so a CA for another name
 * set is another CA: giving it another subject lets a trust store hold both,
 * and a client trusting only the old one reports an unknown issuer rather
 * than a name-constraint violation.
 */
const caSubject = (seed: string, names: readonly string[]): x509.JsonName => [
  { CN: [`scalekit-mock local CA (seed ${shortHash(seed)} / names ${shortHash(nameSet(names).join(","))})`] },
  { O: ["scalekit-mock"] },
];

/** The names in a fixed order: the CA is the same for the same set, whatever order it is listed in. */
const nameSet = (names: readonly string[]) => [...names].sort();

async function issueCa(seed: string, names: readonly string[], key: KeyPair): Promise<x509.X509Certificate> {
  return x509.X509CertificateGenerator.create({
    serialNumber: derivedSerial("scalekit-mock tls ca serial", [seed, ...nameSet(names)]),
    subject: caSubject(seed, names),
    issuer: caSubject(seed, names),
    notBefore: CA_NOT_BEFORE,
    notAfter: CA_NOT_AFTER,
    publicKey: key.publicKey,
    signingKey: key.privateKey,
    signingAlgorithm: SIGNING,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(key.publicKey),
      new x509.Extension(NAME_CONSTRAINTS_OID, true, nameConstraintsDer(names)),
    ],
  });
}

async function issueLeaf(o: { seed: string; names: readonly string[]; now: Date; ca: x509.X509Certificate; caKey: KeyPair; key: KeyPair }) {
  // OpenSSL checks a host-like common name against the CA's DNS constraints
  // when the leaf has no DNS name, and an IP address looks host-like to it: so
  // the common name is the first DNS name, or words no one takes for a host.
  const commonName = o.names.find((name) => !isIpName(name) && name.length <= MAX_COMMON_NAME) ?? "scalekit-mock server";
  return x509.X509CertificateGenerator.create({
    // Unique per issue time: Firefox refuses two different certificates with one issuer and serial.
    serialNumber: derivedSerial("scalekit-mock tls server serial", [o.seed, o.now.toISOString(), ...o.names]),
    subject: [{ CN: [commonName] }],
    issuer: o.ca.subjectName,
    notBefore: new Date(o.now.getTime() - LEAF_BACKDATE_MS),
    notAfter: new Date(o.now.getTime() + LEAF_LIFETIME_MS),
    publicKey: o.key.publicKey,
    signingKey: o.caKey.privateKey,
    signingAlgorithm: SIGNING,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension(o.names.map((value): x509.JsonGeneralName => ({ type: isIpName(value) ? "ip" : "dns", value }))),
      await x509.AuthorityKeyIdentifierExtension.create(o.caKey.publicKey),
    ],
  });
}

/** The CA and server certificate for already-normalized `names` (see generateTls). */
export async function issueTlsMaterial(o: { seed: string; names: readonly string[]; now: Date }): Promise<TlsMaterial> {
  const [caKey, key] = await Promise.all([seedKeyPair(CA_KEY_LABEL, o.seed), seedKeyPair(SERVER_KEY_LABEL, o.seed)]);
  const ca = await issueCa(o.seed, o.names, caKey);
  const leaf = await issueLeaf({ ...o, ca, caKey, key });
  return {
    certPem: `${leaf.toString("pem")}\n`,
    keyPem: key.pkcs8Pem,
    caPem: `${ca.toString("pem")}\n`,
    names: [...o.names],
    source: "generated",
    notAfter: leaf.notAfter,
  };
}
