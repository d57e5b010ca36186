import { AsnConvert } from "@peculiar/asn1-schema";
import { NameConstraints, type GeneralSubtrees } from "@peculiar/asn1-x509";
import { describe, expect, it } from "vitest";
import { constraintSubtrees, nameConstraintsDer } from "./name-constraints.js";

/** The subtrees of a NameConstraints DER, as readable strings. */
function read(der: ArrayBuffer) {
  const constraints = AsnConvert.parse(der, NameConstraints);
  const bases = (trees: GeneralSubtrees | undefined) =>
    (trees ?? []).map(({ base }) => (base.dNSName !== undefined ? `dns:${base.dNSName}` : `ip:${base.iPAddress}`));
  return { permitted: bases(constraints.permittedSubtrees), excluded: bases(constraints.excludedSubtrees) };
}

describe("the CA's name constraints", () => {
  it("permit a wildcard's domain and each IP address with a full mask", () => {
    expect(constraintSubtrees(["localhost", "*.example.com", "example.com", "127.0.0.1", "::1"])).toEqual({
      dns: ["localhost", "example.com"],
      ip: ["127.0.0.1/32", "::1/128"],
    });
  });

  it("encode exactly the permitted names and no exclusion when both name forms are present", () => {
    const der = nameConstraintsDer(["localhost", "127.0.0.1", "::1"]);
    expect(read(der)).toEqual({ permitted: ["dns:localhost", "ip:127.0.0.1/32", "ip:::1/128"], excluded: [] });
    // iPAddress [7]: the address, then its mask, all ones.
    const hex = Buffer.from(der).toString("hex");
    expect(hex).toContain("87087f000001ffffffff");
    expect(hex).toContain(`8720${"00".repeat(15)}01${"ff".repeat(16)}`);
  });

  it("exclude every IPv4 and IPv6 address when the names hold none", () => {
    expect(read(nameConstraintsDer(["localhost"])).excluded).toEqual(["ip:0.0.0.0/0", "ip:::/0"]);
  });

  it("exclude every DNS name (the empty name matches all) when the names hold none", () => {
    expect(read(nameConstraintsDer(["127.0.0.1"])).excluded).toEqual(["dns:"]);
  });
});
