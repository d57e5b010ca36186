import { AsnConvert } from "@peculiar/asn1-schema";
import { GeneralName, GeneralSubtree, GeneralSubtrees, NameConstraints } from "@peculiar/asn1-x509";
import { isIpName } from "./names.js";

export { id_ce_nameConstraints as NAME_CONSTRAINTS_OID } from "@peculiar/asn1-x509";

/** The subtrees a CA limited to `names` permits, by name form. */
export interface ConstraintSubtrees {
  /** dNSName subtrees: each covers the name and its subdomains, so `*.x` needs only `x`. */
  dns: string[];
  /** iPAddress subtrees: one address each, with a full mask (/32, /128). */
  ip: string[];
}

export function constraintSubtrees(names: readonly string[]): ConstraintSubtrees {
  const dns = names.filter((name) => !isIpName(name)).map((name) => name.replace(/^\*\./, ""));
  const ip = names.filter(isIpName).map((name) => `${name}/${name.includes(":") ? 128 : 32}`);
  return { dns: [...new Set(dns)], ip: [...new Set(ip)] };
}

const subtrees = (bases: GeneralName[]) => new GeneralSubtrees(bases.map((base) => new GeneralSubtree({ base })));

/**
 * The DER of a NameConstraints value that permits `names` and, for DNS names,
 * the names below them (a dNSName subtree always covers subdomains; the
 * leading-dot form some verifiers read as "subdomains only" is not used,
 * because Java refuses to parse it). The CA key can be derived from the
 * seed, which is public, so anyone could sign a certificate with it: these
 * constraints keep such a certificate from being valid for any name outside
 * those subtrees in a client that trusts the CA.
 *
 * A permitted subtree only limits its own name form, so a form without names
 * is excluded entirely (every IPv4 and IPv6 address, or every DNS name: the
 * empty dNSName matches all); otherwise a CA for DNS names only could still
 * vouch for any IP address.
 */
export function nameConstraintsDer(names: readonly string[]): ArrayBuffer {
  const { dns, ip } = constraintSubtrees(names);
  const permitted = [...dns.map((dNSName) => new GeneralName({ dNSName })), ...ip.map((iPAddress) => new GeneralName({ iPAddress }))];
  const excluded = [
    ...(dns.length === 0 ? [new GeneralName({ dNSName: "" })] : []),
    ...(ip.length === 0 ? ["0.0.0.0/0", "::/0"].map((iPAddress) => new GeneralName({ iPAddress })) : []),
  ];
  const constraints = new NameConstraints({
    permittedSubtrees: subtrees(permitted),
    ...(excluded.length > 0 && { excludedSubtrees: subtrees(excluded) }),
  });
  return AsnConvert.serialize(constraints);
}
