import { isIP } from "node:net";

/** Bind addresses that mean "every interface": no client reaches the mock by that name. */
const ANY_ADDRESS = new Set(["", "0.0.0.0", "::"]);

/** Labels of letters, digits, `-` and `_` (host names in the wild carry `_`; the host guard accepts them too), an optional leading `*.`. */
const DNS_NAME = /^(\*\.)?[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)*$/;

/**
 * A name as a certificate carries it, or undefined if it cannot be one:
 * DNS names lowercase without a trailing dot, IPv6 in its short form (the
 * form Node prints and clients compare), IPv6 zone ids dropped because they
 * only mean something on this machine.
 */
export function certificateName(raw: string): string | undefined {
  let name = raw.trim().toLowerCase().replace(/^\[(.*)\]$/, "$1").replace(/\.$/, "");
  const zone = name.indexOf("%");
  if (zone > 0 && isIP(name.slice(0, zone)) === 6) name = name.slice(0, zone);
  if (isIP(name) === 4) return name;
  if (isIP(name) === 6) return new URL(`http://[${name}]`).hostname.slice(1, -1);
  return name.length <= 253 && DNS_NAME.test(name) ? name : undefined;
}

/** Whether a certificate name is an IP address (an iPAddress entry) rather than a DNS name. */
export const isIpName = (name: string): boolean => isIP(name) !== 0;

/**
 * The names a generated server certificate is valid for: the loopback names
 * (not `*.localhost`: Node and browsers refuse a wildcard right below a
 * top-level name), the bound host (unless it is an any-address, which no client dials), every
 * allowed host and the machine's host name: the same names the host guard
 * lets through, so a page the guard accepts also gets a valid certificate.
 *
 * An allowed host `.example.com` becomes `example.com` and `*.example.com`,
 * because the guard accepts the domain itself as well as its subdomains (a
 * wildcard covers one level, so `a.b.example.com` is let through by the guard
 * but not covered by the certificate); `*`
 * is left out (a certificate cannot cover every name). Names that cannot
 * appear in a certificate are left out too. The result is deduplicated and
 * keeps this order, so the first name is always `localhost`.
 */
export function tlsNames(o: { host: string; allowedHosts: readonly string[]; hostname: string }): string[] {
  const host = certificateName(o.host);
  const candidates = ["localhost", "127.0.0.1", "::1"];
  if (host !== undefined && !ANY_ADDRESS.has(host)) candidates.push(host);
  for (const allowed of o.allowedHosts) {
    if (allowed.trim() === "*") continue;
    if (allowed.startsWith(".")) candidates.push(allowed.slice(1), `*${allowed}`);
    else candidates.push(allowed);
  }
  candidates.push(o.hostname);
  const names = candidates.map(certificateName).filter((name): name is string => name !== undefined);
  return [...new Set(names)];
}
