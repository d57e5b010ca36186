/**
 * What TLS asks of the scalekit-mock container: the variables that turn it on,
 * the TLS-only port to publish, and the kernel setting that lets the image's
 * non-root user bind that port when it is below 1024 (443 for grpc-java).
 */

/** The port the image listens on: REST, gRPC, OAuth, control API and web inbox (plain HTTP and, with TLS, https:// too). */
export const SCALEKIT_MOCK_PORT = 8787;

/** Where the mock serves its generated CA certificate (over http:// as well, no admin token needed). */
export const CA_CERTIFICATE_PATH = "/_mock/v1/tls/ca.pem";

/**
 * The sysctl below which ports need privileges. Docker (20.10 and later) sets
 * it to 0 in every container; podman leaves the kernel's 1024, so the `node`
 * user of the image could not bind 443 without it.
 */
export const UNPRIVILEGED_PORT_START = "net.ipv4.ip_unprivileged_port_start";

/** How the container is asked to serve TLS. */
export interface ContainerTlsOptions {
  /** Serve TLS on the main port beside plain HTTP (`withTls()`). */
  tls: boolean;
  /** A second port that speaks only TLS (`withTlsPort()`); implies TLS. */
  tlsPort: number | undefined;
}

/** What the container needs for those options. */
export interface ContainerTlsSetup {
  environment: Record<string, string>;
  /** Ports to publish besides 8787. */
  exposedPorts: number[];
  /** Kernel settings for the container's HostConfig. */
  sysctls: Record<string, string>;
}

/** The environment, ports and sysctls of a container with these TLS options; nothing at all with TLS off. */
export function containerTlsSetup(o: ContainerTlsOptions): ContainerTlsSetup {
  const setup: ContainerTlsSetup = { environment: {}, exposedPorts: [], sysctls: {} };
  if (o.tls || o.tlsPort !== undefined) setup.environment.SCALEKIT_MOCK_TLS = "true";
  if (o.tlsPort !== undefined) {
    setup.environment.SCALEKIT_MOCK_TLS_PORT = String(o.tlsPort);
    setup.exposedPorts.push(o.tlsPort);
    // A privileged port inside the container; which host port it is mapped to does not matter.
    if (o.tlsPort < 1024) setup.sysctls[UNPRIVILEGED_PORT_START] = "0";
  }
  return setup;
}

/**
 * A TLS-only port the container can listen on and publish.
 *
 * @throws RangeError for anything but 1 to 65535 (0, "any free port", cannot
 * be published), and for 8787, the main port, which already speaks TLS.
 */
export function checkTlsPort(port: number): number {
  if (!Number.isInteger(port) || port < 1 || port > 65_535) {
    throw new RangeError(`withTlsPort(${port}): the port must be a whole number from 1 to 65535, e.g. 443 (what grpc-java dials)`);
  }
  if (port === SCALEKIT_MOCK_PORT) {
    throw new RangeError(`withTlsPort(${port}): ${SCALEKIT_MOCK_PORT} is the main port, which already speaks TLS with withTls(); pick another port, e.g. 443`);
  }
  return port;
}

/** Why `getHttpsUrl()` and `getCaCertificate()` cannot answer: the container was started without TLS. */
export const TLS_OFF_MESSAGE = "TLS is off in this container: call withTls() (or withTlsPort(443)) on ScalekitMockContainer before start()";

/** Why `getTlsPortUrl()` cannot answer: TLS is on, but only on the main port. */
export const NO_TLS_PORT_MESSAGE = "this container has no TLS-only port: call withTlsPort(port) before start(), or use getHttpsUrl() (TLS on the main port)";

/**
 * The CA certificate (PEM) a started mock serves at `baseUrl` (its http://
 * URL). A mock that has no CA answers 404 with the reason (a certificate
 * brought with SCALEKIT_MOCK_TLS_CERT, say), which the error passes on.
 */
export async function fetchCaCertificate(baseUrl: string): Promise<string> {
  const url = `${baseUrl}${CA_CERTIFICATE_PATH}`;
  const answer = await fetch(url);
  const text = await answer.text();
  if (answer.ok) return text;
  let reason = text;
  try {
    reason = (JSON.parse(text) as { error?: { message?: string } }).error?.message ?? text;
  } catch {
    // Not the control API's JSON error: keep the text as it came.
  }
  throw new Error(`cannot read the mock's CA certificate from ${url} (HTTP ${answer.status}): ${reason}`);
}
