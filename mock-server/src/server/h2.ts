import { constants, Http2ServerResponse, type Http2ServerRequest, type Http2Session, type ServerHttp2Stream } from "node:http2";
import type { OutgoingHttpHeaders } from "node:http";

/**
 * Streams one HTTP/2 connection may have open at once (SETTINGS_MAX_CONCURRENT_STREAMS;
 * nghttp2's default is 2^32 - 1). gRPC clients expect at least 100; 250 is also Go's
 * net/http2 server default. A client past it queues its requests until streams close,
 * so one connection holds no more requests in flight than 250 HTTP/1.1 connections.
 */
export const MAX_CONCURRENT_STREAMS = 250;

/**
 * Header fields that describe an HTTP/1.1 connection (RFC 9113 §8.2.2). An
 * HTTP/2 response must not carry them; Node throws when one reaches the wire.
 * Code written for HTTP/1.1 sets them freely (an event stream sets
 * `Transfer-Encoding: chunked` and `Connection: keep-alive`), so they are
 * dropped here, for every route, rather than avoided route by route.
 */
const CONNECTION_SPECIFIC = new Set(["connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade"]);

function connectionSpecific(name: string, value: unknown): boolean {
  const key = name.toLowerCase();
  return CONNECTION_SPECIFIC.has(key) || (key === "te" && String(value).toLowerCase() !== "trailers");
}

type RawHeaders = readonly string[] | readonly (readonly string[])[];

function withoutConnectionHeaders(headers: OutgoingHttpHeaders | RawHeaders | undefined): OutgoingHttpHeaders | RawHeaders | undefined {
  if (headers === undefined) return undefined;
  if (!Array.isArray(headers)) {
    return Object.fromEntries(Object.entries(headers).filter(([name, value]) => !connectionSpecific(name, value))) as OutgoingHttpHeaders;
  }
  if (headers.length > 0 && Array.isArray(headers[0])) {
    return (headers as readonly (readonly string[])[]).filter(([name, value]) => !connectionSpecific(String(name), value));
  }
  const flat = headers as readonly string[];
  const kept: string[] = [];
  for (let i = 0; i < flat.length; i += 2) if (!connectionSpecific(flat[i]!, flat[i + 1])) kept.push(flat[i]!, flat[i + 1]!);
  return kept;
}

/** The response every HTTP/2 request gets: as Node's, minus connection-specific headers. */
export class Http2Response extends Http2ServerResponse {
  /**
   * The server answered in the handler's place. Until the stream closes Node would throw at a
   * header the handler sets, and reset the stream with INTERNAL_ERROR at a write, voiding the
   * answer; so what the handler writes is dropped instead.
   */
  #answeredForHandler = false;

  override setHeader(name: string, value: number | string | readonly string[]): void {
    if (!this.#answeredForHandler && !connectionSpecific(name, value)) super.setHeader(name, value);
  }

  override appendHeader(name: string, value: string | string[]): void {
    if (!this.#answeredForHandler && !connectionSpecific(name, value)) super.appendHeader(name, value);
  }

  override writeHead(statusCode: number, headers?: OutgoingHttpHeaders): this;
  override writeHead(statusCode: number, statusMessage: string, headers?: OutgoingHttpHeaders): this;
  override writeHead(statusCode: number, messageOrHeaders?: string | OutgoingHttpHeaders, headers?: OutgoingHttpHeaders): this {
    if (this.#answeredForHandler) return this;
    // HTTP/2 has no reason phrase; Node ignores one (with a warning), so it is not passed on.
    const given = typeof messageOrHeaders === "string" ? headers : messageOrHeaders;
    return super.writeHead(statusCode, withoutConnectionHeaders(given) as OutgoingHttpHeaders | undefined);
  }

  override write(chunk: string | Uint8Array, encodingOrDone?: BufferEncoding | ((error: Error) => void), done?: (error: Error) => void): boolean {
    if (!this.#answeredForHandler) return super.write(chunk, encodingOrDone as BufferEncoding, done);
    // Dropped, yet reported written: a handler waiting on it must not hang, nor fail as if it had a bug.
    const callback = (typeof encodingOrDone === "function" ? encodingOrDone : done) as (() => void) | undefined;
    if (callback !== undefined) process.nextTick(callback);
    return true;
  }

  /**
   * The request did not arrive in full in time. With no response started it is
   * answered 408, and once that is written the stream reset with NO_ERROR,
   * which asks the client to stop sending without voiding the answer (RFC 9113
   * §8.1). A response already under way is cut off with CANCEL.
   */
  requestTimedOut(): void {
    const stream = this.stream;
    if (this.headersSent) return void stream.close(constants.NGHTTP2_CANCEL);
    super.writeHead(408, { "content-type": "text/plain; charset=utf-8" });
    super.end("the request did not arrive in full within the request timeout (--request-timeout); send its body without pausing\n");
    this.#answeredForHandler = true;
    // Only once written: Node 20 aborts the process (std::bad_alloc) when a stream given close(NO_ERROR)
    // while still writing is then destroyed, as a handler that fails on the cut-off body may do.
    stream.once("finish", () => {
      if (!stream.closed && !stream.destroyed) stream.close(constants.NGHTTP2_NO_ERROR);
    });
  }
}

/**
 * Closes `session` (GOAWAY, then the connection) once it has had no open
 * stream for `idleMs`. A session with a stream in flight, such as an event
 * stream or a long-poll, is never closed for idleness.
 */
export function closeWhenIdle(session: Http2Session, idleMs: number): void {
  let open = 0;
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    timer = setTimeout(() => {
      if (!session.closed && !session.destroyed) session.close();
    }, idleMs);
  };
  session.on("stream", (stream: ServerHttp2Stream) => {
    open += 1;
    clearTimeout(timer);
    stream.once("close", () => {
      open -= 1;
      if (open === 0 && !session.closed) arm();
    });
  });
  session.once("close", () => clearTimeout(timer));
  arm();
}

/**
 * Gives a request `timeoutMs` from its HEADERS to arrive in full (END_STREAM),
 * then has `response` answer 408 or reset the stream. Once the request is in,
 * the response may take as long as it needs: a long-poll or an event stream is
 * never cut. Without this a stream whose body stalls stays open for good, and
 * keeps its session from ever being idle.
 */
export function limitRequestTime(request: Http2ServerRequest, response: Http2Response, timeoutMs: number): void {
  const stream = request.stream;
  // A request without a body (GET, a long-poll, an event stream) ends with its headers.
  if (stream.endAfterHeaders) return;
  const timer = setTimeout(() => {
    // remoteClose: the client has sent END_STREAM, whether or not the handler has read the body yet.
    if (stream.destroyed || stream.closed || stream.state.remoteClose) return;
    response.requestTimedOut();
  }, timeoutMs);
  stream.once("close", () => clearTimeout(timer));
}

/**
 * Destroys `session` unless the client's SETTINGS (the end of its connection
 * preface) arrive within `timeoutMs`. A cleartext connection was only handed
 * over once its preface was read; one that chose h2 by ALPN during a TLS
 * handshake was not, and would otherwise wait for the idle timeout.
 */
export function requirePreface(session: Http2Session, timeoutMs: number): void {
  const timer = setTimeout(() => session.destroy(), timeoutMs);
  session.once("remoteSettings", () => clearTimeout(timer));
  session.once("close", () => clearTimeout(timer));
}
