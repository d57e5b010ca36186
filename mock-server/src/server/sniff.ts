import type { Socket } from "node:net";
import { Duplex } from "node:stream";

// Deviation D27: plain HTTP/1.1, cleartext HTTP/2 and (with --tls) TLS on one port
/** Every HTTP/2 connection with prior knowledge (h2c) starts with these bytes. */
const H2_PREFACE = Buffer.from("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");

/** The record type every TLS connection opens with (a handshake record carrying the ClientHello). */
const TLS_HANDSHAKE_RECORD = 0x16;

/** No HTTP/1.x request (a method name) or HTTP/2 preface starts with a TLS record's first byte. */
export type Protocol = "h2" | "http1" | "tls";

/**
 * Reads a connection's first bytes until they tell TLS (a handshake record),
 * HTTP/2 (the preface) and HTTP/1.x (anything else) apart, then hands over
 * the socket and what was read. A
 * connection that has not told within `timeoutMs` (silent, or a preface cut
 * short) is closed: nothing else would ever time it out.
 */
export function sniff(socket: Socket, timeoutMs: number, decide: (protocol: Protocol, head: Buffer) => void): void {
  let head: Buffer = Buffer.alloc(0);
  const timer = setTimeout(() => socket.destroy(), timeoutMs);
  // The client finished sending before it told: nothing will come to decide on.
  const onEnd = () => socket.destroy();
  const onData = (chunk: Buffer) => {
    head = head.length === 0 ? chunk : Buffer.concat([head, chunk]);
    const tls = head[0] === TLS_HANDSHAKE_RECORD;
    const n = Math.min(head.length, H2_PREFACE.length);
    const looksLikeH2 = head.subarray(0, n).equals(H2_PREFACE.subarray(0, n));
    if (!tls && looksLikeH2 && head.length < H2_PREFACE.length) return;
    clearTimeout(timer);
    socket.off("data", onData);
    socket.off("end", onEnd);
    socket.pause();
    decide(tls ? "tls" : looksLikeH2 ? "h2" : "http1", head);
  };
  socket.on("data", onData);
  socket.once("end", onEnd);
  socket.once("close", () => clearTimeout(timer));
}

/**
 * The http2 server reads a real socket's native handle, so bytes already read
 * from it cannot be given back with unshift. It gets this relay instead: the
 * sniffed bytes first, then everything the socket receives, in both directions.
 */
export function relay(socket: Socket, head: Buffer, options: { allowHalfOpen?: boolean } = {}): Duplex {
  const duplex = new Duplex({
    allowHalfOpen: options.allowHalfOpen ?? true,
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
