import { createServer as createHttp1Server, type IncomingMessage, type ServerResponse } from "node:http";
import { createServer as createHttp2Server, type Http2ServerRequest, type Http2ServerResponse, type Http2Session } from "node:http2";
import type { AddressInfo, Socket } from "node:net";
import type { Duplex } from "node:stream";
import { closeWhenIdle, Http2Response, limitRequestTime, MAX_CONCURRENT_STREAMS, requirePreface } from "./h2.js";
import { guarded, logOnce, reachableHost, type RequestHandler } from "./guard.js";
import { relay, sniff } from "./sniff.js";
import { acceptTls, plainRequestOnTlsPort, serverContext, type ServerCertificate } from "./tls.js";

export type { RequestHandler };

/** How long each stage of a connection may take, and how many connections there may be. */
export interface ServerLimits {
  /** A new connection must send its first bytes (all of the preface, for HTTP/2) within this. */
  firstByteTimeoutMs: number;
  /** An HTTP/1.1 request's headers must all arrive within this of its first byte. */
  headersTimeoutMs: number;
  /**
   * A request's headers and body must all arrive within this of its start (at least `headersTimeoutMs`).
   * It covers the request only: a long-poll or event stream may then wait for its answer as long as it needs.
   */
  requestTimeoutMs: number;
  /** An HTTP/1.1 keep-alive connection or HTTP/2 session with no request in flight is closed after this. */
  idleTimeoutMs: number;
  /** Connections past this many are closed as they arrive; the open ones keep working. */
  maxConnections: number;
}

/** What the port speaks: plain HTTP only, plain HTTP and TLS side by side, or TLS only. */
export interface PortSecurity {
  /** The certificate TLS connections get; without it a TLS ClientHello is refused. */
  tls?: ServerCertificate;
  /** Refuse plain HTTP/1.1 and HTTP/2 (a port such as 443 that clients reach only with https://). */
  tlsOnly?: boolean;
}

export interface Listening {
  /** Base URL clients use, e.g. http://127.0.0.1:8787 (https:// on a TLS-only port). */
  url: string;
  host: string;
  port: number;
  /** Stops accepting, lets in-flight requests finish (up to `graceMs`), then closes every socket. */
  close(graceMs?: number): Promise<void>;
}

/**
 * The only place that listens: one port for HTTP/1.1 (REST, OAuth, control
 * API, gRPC-Web, Connect) and cleartext HTTP/2 (gRPC, and everything else),
 * and with a certificate both of them over TLS too, told apart by each
 * connection's first bytes (then by ALPN).
 */
export function listen(handler: RequestHandler, options: { host: string; port: number } & ServerLimits & PortSecurity): Promise<Listening> {
  if (options.tlsOnly === true && options.tls === undefined) throw new Error("a TLS-only port needs a certificate");
  const context = options.tls === undefined ? undefined : serverContext(options.tls);
  const log = logOnce();
  const onRequest = guarded(handler);
  // The HTTP/1 server is the one that listens, so Node's own request timeouts and connection
  // tracking apply to it; its connection handler runs only once a connection is known to be HTTP/1.
  const http1 = createHttp1Server(
    {
      headersTimeout: options.headersTimeoutMs,
      // Node stops counting once the request is complete, so a long-poll is not cut.
      requestTimeout: options.requestTimeoutMs,
      keepAliveTimeout: options.idleTimeoutMs,
      // Node checks header and request timeouts on this interval: often enough for the timeout to mean what it says.
      connectionsCheckingInterval: Math.min(5_000, Math.max(10, Math.floor(options.headersTimeoutMs / 4))),
    },
    onRequest as (req: IncomingMessage, res: ServerResponse) => void,
  );
  http1.maxConnections = options.maxConnections;
  const serveHttp1Connection = http1.listeners("connection") as ((socket: Socket) => void)[];
  http1.removeAllListeners("connection");

  const http2 = createHttp2Server(
    { Http2ServerResponse: Http2Response, settings: { maxConcurrentStreams: MAX_CONCURRENT_STREAMS } },
    (request: Http2ServerRequest, response: Http2ServerResponse) => {
      limitRequestTime(request, response as Http2Response, options.requestTimeoutMs);
      void onRequest(request, response);
    },
  );
  const sockets = new Set<Socket>();
  const sessions = new Set<Http2Session>();

  // A client that sends garbage, or too slowly, gets an answer from Node; never let it take the server down.
  http1.on("clientError", (error: NodeJS.ErrnoException, socket: Duplex) => {
    // After a response was written (say, a 400 for a bad Host), what follows on the connection gets no second one.
    const answered = (socket as Duplex & { _httpMessage?: ServerResponse | null })._httpMessage?.headersSent === true;
    if (!socket.writable || answered || error.code === "ECONNRESET") return void socket.destroy();
    const status =
      error.code === "ERR_HTTP_REQUEST_TIMEOUT" ? "408 Request Timeout" : error.code === "HPE_HEADER_OVERFLOW" ? "431 Request Header Fields Too Large" : "400 Bad Request";
    socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\n\r\n`);
  });
  http1.on("drop", () => log("drop", `scalekit-mock: more than ${options.maxConnections} connections at once; closing new ones until some close (--max-connections)`));
  http2.on("session", (session: Http2Session) => {
    sessions.add(session);
    session.on("error", () => undefined);
    requirePreface(session, options.firstByteTimeoutMs);
    closeWhenIdle(session, options.idleTimeoutMs);
    // A session that ends destroys its socket, and with it the relay and the TCP socket under it.
    session.on("close", () => sessions.delete(session));
  });
  http2.on("stream", (stream: Duplex) => stream.on("error", () => undefined));
  http2.on("sessionError", () => undefined);
  http2.on("error", (error: NodeJS.ErrnoException) => log(`http2 ${error.code}`, `scalekit-mock: HTTP/2 server error: ${error.message}`));

  // The server may be closing: count in-flight HTTP/1 requests per socket so that a busy
  // keep-alive connection closes right after its response, an idle one at once.
  let closing = false;
  const inFlight = new Map<Socket, number>();
  http1.on("request", (request: IncomingMessage, response: ServerResponse) => {
    const socket = request.socket;
    inFlight.set(socket, (inFlight.get(socket) ?? 0) + 1);
    if (closing) response.setHeader("connection", "close");
    response.on("close", () => {
      const left = (inFlight.get(socket) ?? 1) - 1;
      inFlight.set(socket, left);
      if (closing && left === 0) socket.end();
    });
  });

  /** Connected, but not yet handed to the HTTP/1 or HTTP/2 server. */
  const undecided = new Set<Socket>();

  /** Hands a connection (plain, or TLS once its handshake is done) to the HTTP/1 server. */
  const serveHttp1 = (socket: Socket) => {
    inFlight.set(socket, 0);
    socket.on("close", () => inFlight.delete(socket));
    for (const serve of serveHttp1Connection) serve.call(http1, socket);
    socket.resume();
  };
  const port = () => (http1.address() as AddressInfo | null)?.port ?? options.port;

  http1.on("connection", (socket: Socket) => {
    // HTTP/2 writes a response as several small frames; Nagle's algorithm would hold the last one back for a delayed ACK (~40 ms).
    socket.setNoDelay(true);
    sockets.add(socket);
    undecided.add(socket);
    socket.on("close", () => {
      sockets.delete(socket);
      undecided.delete(socket);
    });
    socket.on("error", () => socket.destroy());
    sniff(socket, options.firstByteTimeoutMs, (protocol, head) => {
      if (protocol === "tls") {
        if (context === undefined) {
          log("tls off", "scalekit-mock: a client opened a TLS connection (https://), but TLS is off: start the mock with --tls, or give the client an http:// URL");
          return void socket.destroy();
        }
        // Still undecided (closed by close()) until the handshake is done.
        return acceptTls(socket, head, context, options.firstByteTimeoutMs, (tlsSocket) => {
          undecided.delete(socket);
          if (tlsSocket.alpnProtocol === "h2") http2.emit("connection", tlsSocket);
          else serveHttp1(tlsSocket);
        });
      }
      undecided.delete(socket);
      if (options.tlsOnly === true) {
        // Plain HTTP/1.1 can read a plain answer; an HTTP/2 client would take it for garbage, so it gets nothing.
        log("plain on tls port", `scalekit-mock: a client sent plain HTTP to port ${port()}, which speaks only TLS; it needs an https:// URL`);
        if (protocol === "http1") return void socket.end(plainRequestOnTlsPort(port()));
        return void socket.destroy();
      }
      if (protocol === "h2") {
        http2.emit("connection", relay(socket, head));
      } else {
        socket.unshift(head);
        serveHttp1(socket);
      }
    });
  });

  return new Promise((resolve, reject) => {
    http1.once("error", reject);
    http1.listen(options.port, options.host, () => {
      http1.off("error", reject);
      // Accepting can fail later (too many open files, say); the server keeps listening.
      http1.on("error", (error: NodeJS.ErrnoException) => log(`listen ${error.code}`, `scalekit-mock: server error: ${error.message}`));
      const { port } = http1.address() as AddressInfo;
      resolve({
        url: `${options.tlsOnly === true ? "https" : "http"}://${reachableHost(options.host)}:${port}`,
        host: options.host,
        port,
        close: (graceMs = 2_000) =>
          new Promise<void>((done) => {
            closing = true;
            const force = setTimeout(() => {
              for (const socket of sockets) socket.destroy();
            }, graceMs);
            force.unref();
            http1.close(() => {
              clearTimeout(force);
              done();
            });
            // Idle keep-alive connections go now; busy ones right after their response.
            for (const [socket, count] of inFlight) if (count === 0) socket.end();
            for (const session of sessions) session.close();
            for (const socket of undecided) socket.destroy();
          }),
      });
    });
  });
}
