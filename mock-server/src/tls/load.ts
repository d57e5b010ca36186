import { createPrivateKey, X509Certificate, type KeyObject } from "node:crypto";
import { readFileSync } from "node:fs";
import { TlsConfigError, type TlsMaterial } from "./material.js";
import { certificateName } from "./names.js";
import { isEncryptedKeyBlock, isPrivateKeyBlock, pemBlocks, type PemBlock } from "./pem.js";

export interface LoadTlsOptions {
  /** PEM file with the server certificate, optionally followed by its intermediate CAs. */
  certFile: string;
  /** PEM file with the certificate's private key, unencrypted (PKCS#8, SEC1 or PKCS#1). */
  keyFile: string;
  /** The wall-clock time the certificate must be valid at. */
  now: Date;
}

/** What to do instead, said by every refusal of a certificate that is wrong in itself. */
const OR_GENERATE = "or leave out --tls-cert and --tls-key to use a certificate generated from the seed";

const ERRNO_WORDS: Record<string, string> = {
  ENOENT: "no such file",
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  EISDIR: "it is a directory",
};

function readText(file: string, what: string, flag: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "unknown error";
    const words = ERRNO_WORDS[code] === undefined ? "" : `: ${ERRNO_WORDS[code]}`;
    throw new TlsConfigError(`Cannot read the TLS ${what} file "${file}" (${code}${words}). Check the path given to ${flag} and that the mock may read it.`);
  }
}

/** The labels of the blocks found, for a message about what a file holds instead. */
const labels = (blocks: readonly PemBlock[]) => [...new Set(blocks.map((block) => block.label))].join(", ");

/** The certificates of a PEM file, leaf first; refuses a file with none or one that does not parse. */
function certificateChain(text: string, file: string): { pem: string; certificates: X509Certificate[] } {
  const blocks = pemBlocks(text);
  const certificates = blocks.filter((block) => block.label === "CERTIFICATE");
  if (certificates.length === 0) {
    const found = blocks.length === 0 ? `no PEM block (is it DER? convert it: openssl x509 -inform der -in "${file}" -out cert.pem)` : `only ${labels(blocks)}`;
    const swapped = blocks.some(isPrivateKeyBlock) ? " It looks like a key: were --tls-cert and --tls-key swapped?" : "";
    throw new TlsConfigError(`The TLS certificate file "${file}" holds no certificate: found ${found}.${swapped} Give --tls-cert a PEM file that starts with -----BEGIN CERTIFICATE-----.`);
  }
  const parsed = certificates.map((block, index) => {
    try {
      return new X509Certificate(block.text);
    } catch (error) {
      const code = (error as { code?: string }).code ?? "parse error";
      throw new TlsConfigError(`Certificate ${index + 1} in the TLS certificate file "${file}" is not a valid X.509 certificate (${code}). Export it again from where it was issued.`);
    }
  });
  return { pem: certificates.map((block) => `${block.text}\n`).join(""), certificates: parsed };
}

function privateKey(text: string, file: string): KeyObject {
  const blocks = pemBlocks(text);
  const block = blocks.find(isPrivateKeyBlock);
  if (block === undefined) {
    const found = blocks.length === 0 ? "no PEM block" : `only ${labels(blocks)}`;
    const swapped = blocks.some((b) => b.label === "CERTIFICATE") ? " It looks like a certificate: were --tls-cert and --tls-key swapped?" : "";
    throw new TlsConfigError(`The TLS key file "${file}" holds no private key: found ${found}.${swapped} Give --tls-key the PEM file with the certificate's private key.`);
  }
  if (isEncryptedKeyBlock(block)) {
    throw new TlsConfigError(
      `The TLS key file "${file}" holds an encrypted private key, and the mock cannot ask for its passphrase. Decrypt a copy (openssl pkey -in "${file}" -out key.pem) and give that to --tls-key.`,
    );
  }
  try {
    return createPrivateKey(block.text);
  } catch (error) {
    const code = (error as { code?: string }).code ?? "parse error";
    throw new TlsConfigError(`The TLS key file "${file}" holds a ${block.label} block that is not a readable private key (${code}). Export the key again as unencrypted PKCS#8 PEM.`);
  }
}

/** The DNS names and IP addresses of Node's `subjectAltName` text; it quotes a value (JSON style) when it holds a comma or quote. */
export function subjectAltNames(text: string | undefined): string[] {
  const names: string[] = [];
  for (const [, type, value] of (text ?? "").matchAll(/(?:^|, )([A-Za-z ]+):("(?:[^"\\]|\\.)*"|[^,]*)/g)) {
    if (type !== "DNS" && type !== "IP Address") continue;
    const raw = value!.startsWith('"') ? (JSON.parse(value!) as string) : value!;
    names.push(certificateName(raw) ?? raw);
  }
  return [...new Set(names)];
}

function checkValidity(leaf: X509Certificate, file: string, now: Date): Date {
  const notBefore = new Date(leaf.validFrom);
  const notAfter = new Date(leaf.validTo);
  if (now < notBefore) {
    throw new TlsConfigError(`The TLS certificate "${file}" is not valid yet: it is valid from ${notBefore.toISOString()}. Check this machine's clock, wait until then, ${OR_GENERATE}.`);
  }
  if (now > notAfter) {
    throw new TlsConfigError(`The TLS certificate "${file}" expired on ${notAfter.toISOString()}. Renew it, ${OR_GENERATE}.`);
  }
  return notAfter;
}

/**
 * Reads a certificate the user brings (`--tls-cert FILE --tls-key FILE`) and
 * checks it before the mock listens, so a mistake shows at start with what
 * to do, not later as a handshake failure in some client.
 *
 * Refuses: an unreadable file (with its errno code), a file without a PEM
 * certificate or private key, an encrypted key, a key that does not belong to
 * the certificate, a certificate that is expired or not yet valid at `now`,
 * a CA certificate given as the server certificate, and a certificate without
 * subjectAltName (browsers, Go and gRPC clients ignore the common name).
 *
 * Uses only `node:crypto` and `node:fs`. `certPem` is the file's certificates
 * in their order (leaf first, then any intermediates to send with it);
 * `keyPem` is the key re-encoded as PKCS#8.
 *
 * @throws TlsConfigError naming the file and the problem, never quoting the key.
 */
export function loadTls(o: LoadTlsOptions): TlsMaterial {
  const chain = certificateChain(readText(o.certFile, "certificate", "--tls-cert"), o.certFile);
  const key = privateKey(readText(o.keyFile, "key", "--tls-key"), o.keyFile);
  const leaf = chain.certificates[0]!;
  if (leaf.ca) {
    throw new TlsConfigError(
      `The TLS certificate "${o.certFile}" is a CA certificate (basic constraints CA:TRUE), not a server certificate. Give --tls-cert the certificate the CA issued for this server (and --tls-key its key); put the CA in the clients' trust store instead.`,
    );
  }
  if (!belongsTo(key, leaf)) {
    throw new TlsConfigError(
      `The TLS key "${o.keyFile}" does not belong to the certificate "${o.certFile}": its public key is not the certificate's. Give --tls-key the key the certificate was issued for.`,
    );
  }
  const notAfter = checkValidity(leaf, o.certFile, o.now);
  const names = subjectAltNames(leaf.subjectAltName);
  if (names.length === 0) {
    throw new TlsConfigError(
      `The TLS certificate "${o.certFile}" has no DNS name or IP address in its subjectAltName; browsers, Go and gRPC clients ignore the common name and would refuse it. Issue it with a subjectAltName, ${OR_GENERATE}.`,
    );
  }
  return { certPem: chain.pem, keyPem: key.export({ type: "pkcs8", format: "pem" }) as string, caPem: undefined, names, source: "file", notAfter };
}

/** Whether the private key is the certificate's; a key of another type (RSA for an EC certificate) simply is not. */
function belongsTo(key: KeyObject, certificate: X509Certificate): boolean {
  try {
    return certificate.checkPrivateKey(key);
  } catch {
    return false;
  }
}
