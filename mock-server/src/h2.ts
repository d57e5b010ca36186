import { Http2ServerResponse, type Http2Session, type ServerHttp2Stream } from "node:http2";
import type { OutgoingHttpHeaders } from "node:http";

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
  override setHeader(name: string, value: number | string | readonly string[]): void {
    if (!connectionSpecific(name, value)) super.setHeader(name, value);
  }

  override appendHeader(name: string, value: string | string[]): void {
    if (!connectionSpecific(name, value)) super.appendHeader(name, value);
  }

  override writeHead(statusCode: number, headers?: OutgoingHttpHeaders): this;
  override writeHead(statusCode: number, statusMessage: string, headers?: OutgoingHttpHeaders): this;
  override writeHead(statusCode: number, messageOrHeaders?: string | OutgoingHttpHeaders, headers?: OutgoingHttpHeaders): this {
    // HTTP/2 has no reason phrase; Node ignores one (with a warning), so it is not passed on.
    const given = typeof messageOrHeaders === "string" ? headers : messageOrHeaders;
    return super.writeHead(statusCode, withoutConnectionHeaders(given) as OutgoingHttpHeaders | undefined);
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
