import { TlsConfigError, type TlsMaterial } from "./material.js";
import { certificateName } from "./names.js";

export interface GenerateTlsOptions {
  /** The mock's seed: the CA and server keys are derived from it, so the same seed gives the same CA. */
  seed: string;
  /** What the server certificate is valid for, DNS names and IP addresses (see `tlsNames`); the first DNS name is also its common name. */
  names: readonly string[];
  /** The wall-clock time (not a mock clock): TLS clients check the leaf's validity against their own clocks. */
  now: Date;
}

/**
 * Makes a local CA and a server certificate it signs, both ECDSA P-256 with
 * SHA-256.
 *
 * The CA's key follows from the seed alone, its subject and serial number
 * from the seed and the names, and its validity is fixed (2025-01-01 to
 * 2045-01-01): once a trust store holds the CA, restarts with the same seed
 * and names keep being trusted (only the randomized ECDSA signature differs,
 * and trust anchors match by subject and key). The CA is limited by critical
 * name constraints to exactly `names`, and may only sign end-entity
 * certificates (pathLen 0). Other names make another CA (its subject says
 * which name set it is for), which clients must be given again.
 *
 * The server certificate is valid for every name, from an hour before `now`
 * for 397 days (the most browsers accept). `certPem` is that leaf alone; give
 * `caPem` to clients as the trusted root.
 *
 * Loads @peculiar/x509 and its Reflect polyfill on the first call only, so a
 * mock without TLS never loads them.
 *
 * @throws TlsConfigError if there are no names or one cannot be put in a certificate.
 */
export async function generateTls(o: GenerateTlsOptions): Promise<TlsMaterial> {
  const names: string[] = [];
  for (const raw of o.names) {
    const name = certificateName(raw);
    if (name === undefined) {
      throw new TlsConfigError(`Cannot generate a TLS certificate for "${raw}": it is neither a DNS name nor an IP address. Remove it from the host names.`);
    }
    if (!names.includes(name)) names.push(name);
  }
  if (names.length === 0) throw new TlsConfigError("Cannot generate a TLS certificate without a name: give at least one DNS name or IP address.");
  const { issueTlsMaterial } = await import("./issue.js");
  return issueTlsMaterial({ seed: o.seed, names, now: o.now });
}
