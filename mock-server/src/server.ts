import { createServer as createHttp1Server, type IncomingMessage, type ServerResponse } from "node:http";
import { createServer as createHttp2Server, type Http2ServerRequest, type Http2ServerResponse, type Http2Session } from "node:http2";
import { createServer as createTcpServer, type AddressInfo, type Socket } from "node:net";
import { Duplex } from "node:stream";

export type RequestHandler = (
  request: IncomingMessage | Http2ServerRequest,
  response: ServerResponse | Http2ServerResponse,
) => void | Promise<void>;

export interface Listening {
  /** Base URL clients use, e.g. http://127.0.0.1:8787. */
  url: string;
  host: string;
  port: number;
  /** Stops accepting, lets in-flight requests finish (up to `graceMs`), then closes every socket. */
  close(graceMs?: number): Promise<void>;
}

/** Every HTTP/2 connection with prior knowledge (h2c) starts with these bytes. */
const H2_PREFACE = Buffer.from("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");

/** The host part of a URL for a bind address ("0.0.0.0" is reached as 127.0.0.1). */
function reachableHost(host: string): string {
  if (host === "0.0.0.0" || host === "") return "127.0.0.1";
  if (host === "::") return "[::1]";
  return host.includes(":") ? `[${host}]` : host;
}

/**
 * Reads a connection's first bytes until they tell HTTP/2 (the preface) from
 * HTTP/1.x (anything else), then hands over the socket and what was read.
 */
function sniff(socket: Socket, decide: (protocol: "h2" | "http1", head: Buffer) => void): void {
  let head = Buffer.alloc(0);
  const onData = (chunk: Buffer) => {
    head = Buffer.concat([head, chunk]);
    const n = Math.min(head.length, H2_PREFACE.length);
    const looksLikeH2 = head.subarray(0, n).equals(H2_PREFACE.subarray(0, n));
    if (looksLikeH2 && head.length < H2_PREFACE.length) return;
    socket.off("data", onData);
    socket.pause();
    decide(looksLikeH2 ? "h2" : "http1", head);
  };
  socket.on("data", onData);
}

/**
 * The http2 server reads a real socket's native handle, so bytes already read
 * from it cannot be given back with unshift. It gets this relay instead: the
 * sniffed bytes first, then everything the socket receives, in both directions.
 */
function relay(socket: Socket, head: Buffer): Duplex {
  const duplex = new Duplex({
    read() {
      socket.resume();
    },
    write(chunk: Buffer, _encoding, done) {
      socket.write(chunk, done);
    },
    final(done) {
      socket.end(done);
    },
    destroy(error, done) {
      socket.destroy(error ?? undefined);
      done(error);
    },
  });
  duplex.push(head);
  socket.on("data", (chunk: Buffer) => {
    if (!duplex.push(chunk)) socket.pause();
  });
  socket.on("end", () => duplex.push(null));
  socket.on("error", (error) => duplex.destroy(error));
  socket.on("close", () => duplex.destroy());
  // Session code reads these from its socket.
  Object.assign(duplex, {
    remoteAddress: socket.remoteAddress,
    remotePort: socket.remotePort,
    remoteFamily: socket.remoteFamily,
    localAddress: socket.localAddress,
    localPort: socket.localPort,
    setTimeout: (ms: number, callback?: () => void) => socket.setTimeout(ms, callback),
    setNoDelay: (noDelay?: boolean) => socket.setNoDelay(noDelay),
    setKeepAlive: (enable?: boolean, delay?: number) => socket.setKeepAlive(enable, delay),
  });
  return duplex;
}

/**
 * The only place that listens: one port for HTTP/1.1 (REST, OAuth, control
 * API, gRPC-Web, Connect) and cleartext HTTP/2 (gRPC, and everything else).
 */
export function listen(handler: RequestHandler, options: { host: string; port: number }): Promise<Listening> {
  const http1 = createHttp1Server(handler as (req: IncomingMessage, res: ServerResponse) => void);
  const http2 = createHttp2Server({}, handler as (req: Http2ServerRequest, res: Http2ServerResponse) => void);
  const sockets = new Set<Socket>();
  const sessions = new Set<Http2Session>();

  // A client that sends garbage gets a 400 from Node; never let it take the server down.
  http1.on("clientError", (_error, socket) => {
    if (socket.writable) socket.end("HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n");
    else socket.destroy();
  });
  /** The TCP socket under each relay handed to the http2 server. */
  const rawSockets = new WeakMap<Duplex, Socket>();
  http2.on("session", (session) => {
    sessions.add(session);
    session.on("close", () => {
      sessions.delete(session);
      // A client may keep its end open after GOAWAY; the session is over, so is the connection.
      rawSockets.get(session.socket as unknown as Duplex)?.destroy();
    });
  });
  http2.on("sessionError", () => undefined);

  // The http1 server does not listen itself, so Node does not track its idle
  // connections for us: count in-flight requests per socket instead.
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

  const tcp = createTcpServer((socket) => {
    // HTTP/2 writes a response as several small frames; Nagle's algorithm would hold the last one back for a delayed ACK (~40 ms).
    socket.setNoDelay(true);
    sockets.add(socket);
    undecided.add(socket);
    socket.on("close", () => {
      sockets.delete(socket);
      undecided.delete(socket);
    });
    socket.on("error", () => socket.destroy());
    sniff(socket, (protocol, head) => {
      undecided.delete(socket);
      if (protocol === "h2") {
        const duplex = relay(socket, head);
        rawSockets.set(duplex, socket);
        http2.emit("connection", duplex);
      } else {
        inFlight.set(socket, 0);
        socket.on("close", () => inFlight.delete(socket));
        socket.unshift(head);
        http1.emit("connection", socket);
        socket.resume();
      }
    });
  });

  return new Promise((resolve, reject) => {
    tcp.once("error", reject);
    tcp.listen(options.port, options.host, () => {
      tcp.off("error", reject);
      const { port } = tcp.address() as AddressInfo;
      resolve({
        url: `http://${reachableHost(options.host)}:${port}`,
        host: options.host,
        port,
        close: (graceMs = 2_000) =>
          new Promise<void>((done) => {
            closing = true;
            const force = setTimeout(() => {
              for (const socket of sockets) socket.destroy();
            }, graceMs);
            force.unref();
            tcp.close(() => {
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
