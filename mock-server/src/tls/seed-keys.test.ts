import { createPrivateKey, createPublicKey, sign, verify } from "node:crypto";
import { describe, expect, it } from "vitest";
import { CA_KEY_LABEL, derivedSerial, isP256Scalar, P256_ORDER, publicJwk, SERVER_KEY_LABEL, seedKeyJwk, seedScalar } from "./seed-keys.js";

const bytes = (n: bigint) => Buffer.from(n.toString(16).padStart(64, "0"), "hex");

describe("keys derived from the seed", () => {
  it("accept a scalar only from 1 to the curve order minus 1", () => {
    expect([0n, 1n, P256_ORDER - 1n, P256_ORDER, 2n ** 256n - 1n].map((n) => isP256Scalar(bytes(n)))).toEqual([false, true, true, false, false]);
  });

  it("are HMAC-SHA256 of the seed under the label, when that is a valid scalar", () => {
    expect(seedScalar(CA_KEY_LABEL, "seed-1").toString("hex")).toMatch(/^[0-9a-f]{64}$/);
    expect(seedScalar(CA_KEY_LABEL, "seed-1")).toEqual(seedScalar(CA_KEY_LABEL, "seed-1"));
    expect(seedScalar(CA_KEY_LABEL, "seed-1")).not.toEqual(seedScalar(SERVER_KEY_LABEL, "seed-1"));
  });

  it("give the same key for the same seed and label, another for another seed or label", () => {
    const ca = seedKeyJwk(CA_KEY_LABEL, "seed-1");
    expect(seedKeyJwk(CA_KEY_LABEL, "seed-1")).toEqual(ca);
    expect(seedKeyJwk(CA_KEY_LABEL, "seed-2").x).not.toBe(ca.x);
    expect(seedKeyJwk(SERVER_KEY_LABEL, "seed-1").x).not.toBe(ca.x);
  });

  it("have a public point that belongs to the private scalar", () => {
    const jwk = seedKeyJwk(CA_KEY_LABEL, "seed-1");
    const signature = sign("sha256", Buffer.from("message"), createPrivateKey({ key: jwk, format: "jwk" }));
    const publicKey = createPublicKey({ key: publicJwk(jwk), format: "jwk" });
    expect(verify("sha256", Buffer.from("message"), publicKey, signature)).toBe(true);
    expect(publicKey.asymmetricKeyDetails?.namedCurve).toBe("prime256v1");
  });
});

describe("derivedSerial", () => {
  it("is 16 positive bytes without a leading zero byte, the same for the same parts", () => {
    const serials = ["a", "b", "c", "d", "e", "f", "g", "h"].map((part) => derivedSerial("label", [part]));
    for (const serial of serials) expect(serial).toMatch(/^[4-7][0-9a-f]{31}$/);
    expect(derivedSerial("label", ["a"])).toBe(serials[0]);
    expect(new Set(serials).size).toBe(serials.length);
  });
});
