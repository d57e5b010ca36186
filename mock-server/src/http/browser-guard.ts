import { isIP } from "node:net";
import type { Context, MiddlewareHandler } from "hono";
import { ControlError } from "../services/control-error.js";
import { controlError } from "./errors.js";

/**
 * A mock on a laptop is reachable by every page the developer's browser
 * opens. Two guards keep those pages from driving it, as dev servers do:
 *
 * - DNS rebinding: a page on `attacker.example` whose name is re-pointed at
 *   127.0.0.1 talks to the mock as its own origin, so it can read answers.
 *   The `Host` it sends still names the attacker's domain, so the control
 *   API answers only to names the mock knows it has.
 * - Cross-site requests: any page can send a "simple" POST (no preflight)
 *   and have it act even though it cannot read the answer. Browsers say
 *   where such a request comes from (`Origin`, `Sec-Fetch-Site`); a state
 *   change from another site is refused. Clients that send neither header
 *   (curl, SDKs, test code) are not browsers acting for a page, and pass.
 */

const ALLOWED_HOST_FLAG = "--allowed-host (SCALEKIT_MOCK_ALLOWED_HOSTS)";

/** The host name of a `Host` header: brackets and port removed, lower case, no trailing dot. */
function hostName(host: string): string {
  const bracketed = /^\[([^\]]*)\](?::\d*)?$/.exec(host);
  const name = bracketed ? bracketed[1]! : host.replace(/:\d*$/, "");
  return name.toLowerCase().replace(/\.$/, "");
}

export interface HostPolicy {
  /** Names given by the operator; `.example.com` also allows every subdomain, `*` allows any name. */
  allowedHosts: readonly string[];
  /** Names the mock knows as its own: the bound address and the machine's (or container's) host name. */
  ownNames: readonly string[];
}

/** Whether a `Host` header names this mock. IP literals cannot be rebound to another address, so they all pass. */
export function hostAllowed(header: string, policy: HostPolicy): boolean {
  const name = hostName(header);
  if (name === "" || isIP(name) !== 0) return true;
  if (name === "localhost" || name.endsWith(".localhost")) return true;
  for (const allowed of [...policy.ownNames, ...policy.allowedHosts]) {
    const rule = allowed.toLowerCase().replace(/\.$/, "");
    if (rule === "*" || rule === name) return true;
    if (rule.startsWith(".") && (name === rule.slice(1) || name.endsWith(rule))) return true;
  }
  return false;
}

/** The host (and port) the request was sent to: `Host` on HTTP/1.1, `:authority` on HTTP/2. */
const requestHost = (c: Context): string => new URL(c.req.url).host;

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** Why a request looks like a page of another site acting on the mock, if it does. */
function crossSiteReason(c: Context): string | undefined {
  const fetchSite = c.req.header("sec-fetch-site");
  if (fetchSite !== undefined && fetchSite !== "same-origin" && fetchSite !== "none") return `Sec-Fetch-Site: ${fetchSite}`;
  const origin = c.req.header("origin");
  if (origin === undefined) return undefined;
  let host: string;
  try {
    // `null` (sandboxed frames, file: pages) and anything unparsable fail here.
    host = new URL(origin).host;
  } catch {
    return `Origin: ${origin.slice(0, 100)}`;
  }
  return host === requestHost(c) ? undefined : `Origin: ${origin.slice(0, 100)}`;
}

/**
 * Guards the control API and the web inbox: refuses a `Host` the mock does
 * not know (403, naming the flag that allows it) and state changes sent by
 * pages of other sites (403).
 */
export function browserGuard(policy: HostPolicy): MiddlewareHandler {
  return async (c, next) => {
    const host = requestHost(c);
    if (!hostAllowed(host, policy)) {
      const shown = JSON.stringify(hostName(host).slice(0, 100));
      return controlError(
        c,
        new ControlError(
          403,
          "HOST_NOT_ALLOWED",
          `the control API does not answer to host ${shown} (a guard against DNS rebinding); if this is how you reach the mock, start it with ${ALLOWED_HOST_FLAG} ${shown}`,
        ),
      );
    }
    if (!SAFE_METHODS.has(c.req.method)) {
      const reason = crossSiteReason(c);
      if (reason !== undefined) {
        return controlError(
          c,
          new ControlError(
            403,
            "CROSS_SITE_REQUEST",
            `refused a ${c.req.method} from another site (${reason}): a web page may not change the mock's state; call the control API from your tests, curl or the mock's own inbox page`,
          ),
        );
      }
    }
    return next();
  };
}
