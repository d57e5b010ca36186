import { createECDH, createHash, createHmac } from "node:crypto";

/** HMAC keys that separate the derived values, so no two of them are ever the same number. */
export const CA_KEY_LABEL = "scalekit-mock tls ca";
export const SERVER_KEY_LABEL = "scalekit-mock tls server";

/** The order n of the P-256 group: a private scalar must lie in [1, n-1]. */
export const P256_ORDER = 0xffffffff_00000000_ffffffff_ffffffff_bce6faad_a7179e84_f3b9cac2_fc632551n;

/** Whether 32 bytes, read as a big-endian number, are a valid P-256 private scalar. */
export function isP256Scalar(bytes: Uint8Array): boolean {
  const d = BigInt(`0x${Buffer.from(bytes).toString("hex")}`);
  return d > 0n && d < P256_ORDER;
}

/**
 * The private scalar d = HMAC-SHA256(label, seed). A digest outside
 * [1, n-1] (odds about 2^-32) is replaced by HMAC(label, seed NUL counter)
 * for counter 1, 2, ... until one fits, so every seed has a key.
 */
export function seedScalar(label: string, seed: string): Buffer {
  for (let counter = 0; ; counter++) {
    const hmac = createHmac("sha256", label).update(seed);
    if (counter > 0) hmac.update(`\u0000${counter}`);
    const d = hmac.digest();
    if (isP256Scalar(d)) return d;
  }
}

/** A P-256 private key as a JWK: the form both WebCrypto and `createPrivateKey` import. */
export type P256PrivateJwk = {
  kty: "EC";
  crv: "P-256";
  x: string;
  y: string;
  d: string;
};

/**
 * The P-256 key pair derived from the seed under `label`. The same seed always
 * gives the same key: that is what lets a trust store that holds the CA of a
 * seed keep trusting it across restarts. The seed is not a secret, so neither
 * is this key; the CA's name constraints are what limit the harm.
 */
export function seedKeyJwk(label: string, seed: string): P256PrivateJwk {
  const d = seedScalar(label, seed);
  const ecdh = createECDH("prime256v1");
  ecdh.setPrivateKey(d);
  const point = ecdh.getPublicKey(); // uncompressed: 0x04 || x || y
  return {
    kty: "EC",
    crv: "P-256",
    x: point.subarray(1, 33).toString("base64url"),
    y: point.subarray(33, 65).toString("base64url"),
    d: d.toString("base64url"),
  };
}

/** The public half of a JWK (WebCrypto refuses a `verify` key that carries `d`). */
export function publicJwk({ kty, crv, x, y }: P256PrivateJwk): Omit<P256PrivateJwk, "d"> {
  return { kty, crv, x, y };
}

/**
 * A positive certificate serial number (hex) derived from `parts`: 16 bytes,
 * top bit clear so DER reads it as positive, next bit set so it has no leading
 * zero byte to strip.
 */
export function derivedSerial(label: string, parts: readonly string[]): string {
  const bytes = createHmac("sha256", label).update(parts.join("\u0000")).digest().subarray(0, 16);
  bytes[0] = (bytes[0]! & 0x7f) | 0x40;
  return bytes.toString("hex");
}

/** A short, stable tag for a value in a certificate's subject (the first 8 hex digits of its SHA-256). */
export const shortHash = (value: string): string => createHash("sha256").update(value).digest("hex").slice(0, 8);
