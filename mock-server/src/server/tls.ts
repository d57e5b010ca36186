import type { Socket } from "node:net";
import { createSecureContext, TLSSocket, type SecureContext } from "node:tls";
import { relay } from "./sniff.js";

/** A server certificate chain and its private key, both PEM. */
export interface ServerCertificate {
  cert: string;
  key: string;
}

/**
 * Offered in ALPN, in order of preference. gRPC clients (grpc-python,
 * grpc-java, connect-go over https) insist on h2; browsers and REST clients
 * may take either. A client that offers no ALPN at all gets HTTP/1.1; one that
 * offers only other protocols gets TLS's no_application_protocol alert.
 */
const ALPN_PROTOCOLS = ["h2", "http/1.1"];

/** The TLS setup every connection shares: TLS 1.2 and 1.3, the only versions current clients offer. */
export function serverContext(certificate: ServerCertificate): SecureContext {
  return createSecureContext({ cert: certificate.cert, key: certificate.key, minVersion: "TLSv1.2" });
}

/**
 * Runs the server side of a TLS handshake on a connection whose first bytes
 * (`head`, a ClientHello) were already read, and hands over the encrypted
 * socket once the handshake is done: its `alpnProtocol` says which HTTP the
 * client chose. A handshake that fails (garbage after the ClientHello, a
 * client that trusts another CA and aborts) or does not finish within
 * `timeoutMs` closes the connection; it never reaches a request handler.
 */
export function acceptTls(socket: Socket, head: Buffer, context: SecureContext, timeoutMs: number, secured: (tlsSocket: TLSSocket) => void): void {
  // The TLS layer reads its transport as a stream: the bytes already read go in first, then the socket's.
  // Not half-open: a client's close_notify and FIN end the connection, as they do a plain one.
  const tlsSocket = new TLSSocket(relay(socket, head, { allowHalfOpen: false }), {
    isServer: true,
    secureContext: context,
    ALPNProtocols: ALPN_PROTOCOLS,
    requestCert: false,
    rejectUnauthorized: false,
  });
  const timer = setTimeout(() => socket.destroy(), timeoutMs);
  tlsSocket.on("error", () => socket.destroy());
  // A server-side TLS socket made by hand reports TLS failures (a bad record, a renegotiation past
  // tls.CLIENT_RENEG_LIMIT) only with this event, for its whole life: tls.Server listens to it the
  // same way. Without it a broken connection would stay open until a timeout.
  tlsSocket.on("_tlsError", () => socket.destroy());
  tlsSocket.once("close", () => {
    clearTimeout(timer);
    socket.destroy();
  });
  tlsSocket.once("secure", () => {
    clearTimeout(timer);
    // A TLS server does this before handing out a connection; HTTP/2 waits for a handshake until it is done.
    (tlsSocket as TLSSocket & { secureConnecting: boolean }).secureConnecting = false;
    secured(tlsSocket);
  });
}

/** What a plain HTTP/1.1 request to a port that speaks only TLS is answered, in plain text: the client can read nothing else. */
export function plainRequestOnTlsPort(port: number): string {
  const body = `this port speaks only TLS: use https:// (for example https://localhost:${port}/), and trust the mock's CA (served at /_mock/v1/tls/ca.pem)\n`;
  return `HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`;
}
