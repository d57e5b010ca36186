/** What a TLS listener needs, whether the mock made the certificate or the user brought one. */
export interface TlsMaterial {
  /**
   * The server's certificate chain (PEM), leaf first. A generated one is the
   * leaf alone: clients trust the CA from their own store and ignore a root
   * sent in the chain, and that root would differ in its (randomized)
   * signature from the copy in the store, which Firefox (NSS) can refuse as a
   * reused issuer and serial number. A brought file's certificates are passed
   * on as given, intermediates included.
   */
  certPem: string;
  /** The server's private key, PKCS#8 PEM. */
  keyPem: string;
  /** The generated CA certificate (PEM) to put in a trust store; undefined for a brought certificate. */
  caPem: string | undefined;
  /** The DNS names (a wildcard as `*.example.com`) and IP addresses the leaf is valid for. */
  names: string[];
  /** `generated` from the seed, or read from a `file` the user gave. */
  source: "generated" | "file";
  /** When the leaf expires. */
  notAfter: Date;
}

/**
 * A certificate or key the mock cannot serve: the message says which file,
 * what is wrong with it and what to do. It never quotes key material.
 */
export class TlsConfigError extends Error {
  override name = "TlsConfigError";
}
