// The Reflect polyfill must load before @peculiar/x509 (see issue.ts).
import "reflect-metadata";
import { KeyObject, webcrypto } from "node:crypto";
import * as x509 from "@peculiar/x509";
import { isIpName } from "./names.js";
import { publicJwk, type P256PrivateJwk } from "./seed-keys.js";

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

const EC_P256 = { name: "ECDSA", namedCurve: "P-256" };
const SIGNING = { name: "ECDSA", hash: "SHA-256" };

export interface TestCertificate {
  certPem: string;
  keyPem: string;
}

export interface TestCertificateOptions {
  /** Subject common name. */
  commonName: string;
  /** subjectAltName entries; none writes no subjectAltName extension at all. */
  names: string[];
  notBefore: Date;
  notAfter: Date;
  /** Marks the certificate as a CA (basic constraints CA:TRUE). */
  ca?: boolean;
  /** Signs with this CA (its certificate and private key) instead of self-signing. */
  issuer?: { caPem: string; jwk: P256PrivateJwk };
}

/**
 * Makes certificates the mock itself never issues: expired, not yet valid, a
 * CA, no subjectAltName, or signed with the seed's CA key for a name the CA
 * does not cover. Built with the library, never with openssl, which a CI
 * machine may lack.
 */
export async function issueTestCertificate(o: TestCertificateOptions): Promise<TestCertificate> {
  const keys = (await webcrypto.subtle.generateKey(EC_P256, true, ["sign", "verify"])) as CryptoKeyPair;
  const signer = o.issuer === undefined ? undefined : await issuerOf(o.issuer);
  const extensions: x509.Extension[] = [new x509.BasicConstraintsExtension(o.ca === true, undefined, true)];
  if (o.names.length > 0) {
    extensions.push(new x509.SubjectAlternativeNameExtension(o.names.map((value): x509.JsonGeneralName => ({ type: isIpName(value) ? "ip" : "dns", value }))));
  }
  if (signer !== undefined) extensions.push(await x509.AuthorityKeyIdentifierExtension.create(signer.publicKey));
  const certificate = await x509.X509CertificateGenerator.create({
    subject: [{ CN: [o.commonName] }],
    issuer: signer?.name ?? [{ CN: [o.commonName] }],
    notBefore: o.notBefore,
    notAfter: o.notAfter,
    publicKey: keys.publicKey,
    signingKey: signer?.privateKey ?? keys.privateKey,
    signingAlgorithm: SIGNING,
    extensions,
  });
  const keyPem = KeyObject.from(keys.privateKey).export({ type: "pkcs8", format: "pem" }) as string;
  return { certPem: `${certificate.toString("pem")}\n`, keyPem };
}

async function issuerOf(issuer: { caPem: string; jwk: P256PrivateJwk }) {
  return {
    name: new x509.X509Certificate(issuer.caPem).subjectName,
    privateKey: await webcrypto.subtle.importKey("jwk", issuer.jwk, EC_P256, false, ["sign"]),
    publicKey: await webcrypto.subtle.importKey("jwk", publicJwk(issuer.jwk), EC_P256, true, ["verify"]),
  };
}
