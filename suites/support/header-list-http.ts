import { request as http1Request, type Agent, type IncomingHttpHeaders } from "node:http";
import { constants, connect as http2Connect, type IncomingHttpHeaders as Http2Headers } from "node:http2";
import { connect as tcpConnect } from "node:net";
import { Duplex } from "node:stream";

/**
 * Requests whose headers go out exactly as a test lists them, a name twice
 * included (two `authorization` entries, as the Python SDK sends), over
 * HTTP/1.1 (a Content-Length or a chunked body) or HTTP/2 with prior
 * knowledge. The answer keeps trailers and the raw body bytes.
 */

/** Request headers in order; a name may repeat. */
export type HeaderList = ReadonlyArray<readonly [string, string]>;

export interface ListRequest {
  method: string;
  path: string;
  headers: HeaderList;
  body: Buffer;
}

export interface ListAnswer {
  status: number;
  headers: IncomingHttpHeaders | Http2Headers;
  /** Trailers: after the body on HTTP/2, at the end of a chunked HTTP/1.1 body. */
  trailers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

const TIMEOUT_MS = 10_000;

/**
 * Over HTTP/1.1, each listed header on its own line. `body: "length"` sends a
 * Content-Length, `"chunked"` the body in two chunks. Pass a keep-alive
 * `agent` to send several requests over one connection.
 */
export function sendHttp1(baseUrl: string, request: ListRequest, body: "length" | "chunked", agent?: Agent): Promise<ListAnswer> {
  const url = new URL(baseUrl);
  const headers: Record<string, string[]> = {};
  for (const [name, value] of request.headers) (headers[name.toLowerCase()] ??= []).push(value);
  if (body === "length") headers["content-length"] = [String(request.body.length)];
  return new Promise((resolve, reject) => {
    const req = http1Request({ host: url.hostname, port: url.port, method: request.method, path: request.path, agent: agent ?? false, headers });
    const timer = setTimeout(() => req.destroy(new Error(`no answer within ${TIMEOUT_MS} ms`)), TIMEOUT_MS);
    req.on("response", (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => {
        clearTimeout(timer);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, trailers: res.trailers, body: Buffer.concat(chunks) });
      });
    });
    req.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    if (body === "length") return void req.end(request.body);
    const half = Math.floor(request.body.length / 2);
    req.write(request.body.subarray(0, half));
    setTimeout(() => req.end(request.body.subarray(half)), 5);
  });
}

/** An HPACK integer with a `prefixBits`-bit prefix under the flag bits `first` (RFC 7541 §5.1). */
function hpackInteger(value: number, prefixBits: number, first: number): Buffer {
  const max = (1 << prefixBits) - 1;
  if (value < max) return Buffer.from([first | value]);
  const bytes = [first | max];
  for (value -= max; value >= 128; value = Math.floor(value / 128)) bytes.push((value % 128) + 128);
  bytes.push(value);
  return Buffer.from(bytes);
}

/** A header block of literal fields without indexing, with new names and no Huffman coding (RFC 7541 §6.2.2). */
function headerBlock(fields: HeaderList): Buffer {
  const string = (text: string) => {
    const bytes = Buffer.from(text, "latin1");
    return Buffer.concat([hpackInteger(bytes.length, 7, 0), bytes]);
  };
  return Buffer.concat(fields.flatMap(([name, value]) => [Buffer.from([0]), string(name), string(value)]));
}

const PREFACE_LENGTH = 24;
const HEADERS = 0x1;
const END_STREAM_AND_END_HEADERS = 0x5;

/**
 * A Duplex between Node's HTTP/2 client and a TCP socket that replaces the
 * client's first HEADERS frame with `block`. Node's client refuses to send a
 * single-value header such as `authorization` twice, but it decodes the
 * server's answer (HPACK, Huffman) as usual. The replaced frame is the
 * session's only request, so no later header block depends on the encoder
 * state it would have set up.
 */
function headerRewritingSocket(port: number, host: string, block: Buffer): Duplex {
  const socket = tcpConnect(port, host);
  let pending = Buffer.alloc(0);
  let prefaceSent = false;
  let replaced = false;
  const duplex = new Duplex({
    read() {
      socket.resume();
    },
    write(chunk: Buffer, _encoding, done) {
      pending = Buffer.concat([pending, chunk]);
      const out: Buffer[] = [];
      if (!prefaceSent && pending.length >= PREFACE_LENGTH) {
        out.push(pending.subarray(0, PREFACE_LENGTH));
        pending = pending.subarray(PREFACE_LENGTH);
        prefaceSent = true;
      }
      while (prefaceSent && pending.length >= 9 && pending.length >= 9 + pending.readUIntBE(0, 3)) {
        const frame = pending.subarray(0, 9 + pending.readUIntBE(0, 3));
        pending = pending.subarray(frame.length);
        if (replaced || frame.readUInt8(3) !== HEADERS) {
          out.push(frame);
          continue;
        }
        replaced = true;
        const head = Buffer.from(frame.subarray(0, 9));
        // Keeps END_STREAM and END_HEADERS; drops PRIORITY and PADDED, whose fields the new block lacks.
        head.writeUInt8(frame.readUInt8(4) & END_STREAM_AND_END_HEADERS, 4);
        head.writeUIntBE(block.length, 0, 3);
        out.push(head, block);
      }
      if (out.length === 0) return done();
      socket.write(Buffer.concat(out), done);
    },
    final(done) {
      socket.end(done);
    },
    destroy(error, done) {
      socket.destroy(error ?? undefined);
      done(error);
    },
  });
  socket.on("data", (chunk: Buffer) => {
    if (!duplex.push(chunk)) socket.pause();
  });
  socket.on("end", () => duplex.push(null));
  socket.on("error", (error) => duplex.destroy(error));
  socket.on("close", () => duplex.destroy());
  return duplex;
}

/** Over HTTP/2 with prior knowledge: the pseudo-headers, then the listed headers exactly as given. */
export function sendHttp2(baseUrl: string, request: ListRequest): Promise<ListAnswer> {
  const url = new URL(baseUrl);
  const pseudo: HeaderList = [
    [":method", request.method],
    [":scheme", "http"],
    [":authority", url.host],
    [":path", request.path],
  ];
  const block = headerBlock([...pseudo, ...request.headers]);
  return new Promise((resolve, reject) => {
    const session = http2Connect(url.origin, { createConnection: () => headerRewritingSocket(Number(url.port), url.hostname, block) });
    session.on("error", reject);
    const stream = session.request({ ":method": request.method, ":path": request.path });
    const timer = setTimeout(() => session.destroy(new Error(`no answer within ${TIMEOUT_MS} ms`)), TIMEOUT_MS);
    let status = 0;
    let headers: Http2Headers = {};
    let trailers: ListAnswer["trailers"] = {};
    const chunks: Buffer[] = [];
    stream.on("response", (h) => {
      status = Number(h[":status"]);
      headers = h;
    });
    stream.on("trailers", (t) => (trailers = t));
    stream.on("data", (chunk: Buffer) => chunks.push(chunk));
    stream.on("error", () => undefined);
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      // As gRPC clients do, the answer ends the call: a body the server refused need not be sent to its end.
      if (!stream.closed) stream.close(constants.NGHTTP2_CANCEL);
      session.close();
      if (status === 0) reject(new Error(`HTTP/2 stream closed without a response (code ${stream.rstCode})`));
      else resolve({ status, headers, trailers, body: Buffer.concat(chunks) });
    };
    stream.on("end", finish);
    stream.on("close", finish);
    stream.end(request.body);
  });
}
