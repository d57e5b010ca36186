import type { IncomingMessage, ServerResponse } from "node:http";
import { constants as h2, type Http2ServerRequest, type Http2ServerResponse } from "node:http2";

export type RequestHandler = (
  request: IncomingMessage | Http2ServerRequest,
  response: ServerResponse | Http2ServerResponse,
) => void | Promise<void>;

/** The host part of a URL for a bind address ("0.0.0.0" is reached as 127.0.0.1). */
export function reachableHost(host: string): string {
  if (host === "0.0.0.0" || host === "") return "127.0.0.1";
  if (host === "::") return "[::1]";
  return host.includes(":") ? `[${host}]` : host;
}

/** Logs a message once per key: a failure that repeats per connection would flood the output. */
export function logOnce(): (key: string, message: string) => void {
  const seen = new Set<string>();
  return (key, message) => {
    if (seen.has(key)) return;
    seen.add(key);
    console.error(message);
  };
}

/** A plain name or IPv4 address with an optional port: what nearly every request carries, settled without parsing a URL. */
const PLAIN_AUTHORITY = /^[A-Za-z0-9][A-Za-z0-9.-]*(?::(\d{1,5}))?$/;

function isUrlAuthority(authority: string): boolean {
  const plain = PLAIN_AUTHORITY.exec(authority);
  if (plain !== null) return plain[1] === undefined || Number(plain[1]) <= 65_535;
  try {
    return new URL(`http://${authority}/`).host !== "" && !/[/?#@\\]/.test(authority);
  } catch {
    return false;
  }
}

/**
 * Runs `handler` so that nothing it throws or rejects with reaches
 * `uncaughtException` (an in-process mock shares its process with the test
 * runner): the error is logged as a bug, without the query string or headers
 * (they may carry secrets), and the request answered 500 or, if its response
 * has started, cut off.
 */
export function guarded(handler: RequestHandler): RequestHandler {
  return (request, response) => {
    // A client that leaves mid-request errors these streams; that is not the server's failure.
    request.on("error", () => undefined);
    response.on("error", () => undefined);
    const fail = (error: unknown) => {
      const path = (request.url ?? "").split("?")[0];
      console.error(`scalekit-mock: unexpected error on ${request.method} ${path}; this is a bug, please report it:`, error);
      try {
        if (!response.headersSent) {
          response.writeHead(500, { "content-type": "text/plain; charset=utf-8" });
          response.end("internal error in scalekit-mock; this is a bug, please report it with the request that caused it\n");
          return;
        }
      } catch {
        // The response cannot be written; cut it off below.
      }
      // The client must not take what it got for the whole response: reset the stream, or close the connection.
      if ("stream" in response) response.stream.close(h2.NGHTTP2_INTERNAL_ERROR);
      else response.destroy();
    };
    // Every layer above builds a URL from the host the request names; one that cannot be part of a
    // URL ("[zz]", "x:y:z") is the client's mistake, answered here once for every route.
    const authority = "authority" in request ? request.authority : request.headers.host;
    if (authority !== undefined && !isUrlAuthority(authority)) {
      response.writeHead(400, { "content-type": "text/plain; charset=utf-8" });
      response.end("the Host header (or :authority) is not a valid host[:port]\n");
      return;
    }
    try {
      void Promise.resolve(handler(request, response)).catch(fail);
    } catch (error) {
      fail(error);
    }
  };
}

