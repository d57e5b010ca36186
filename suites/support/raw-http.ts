import { request as http1Request } from "node:http";
import { connect as http2Connect, constants, type ClientHttp2Session } from "node:http2";

/**
 * A client that sends exactly what a test says, over HTTP/1.1 or HTTP/2
 * (prior knowledge), `Host`/`:authority` and raw paths included. Streams
 * (server-sent events) are read up to their headers and first bytes, then
 * closed: they never end by design.
 */

export type Transport = "http1" | "http2";
export const TRANSPORTS: readonly Transport[] = ["http1", "http2"];

export interface RawRequest {
  method: string;
  /** Sent as is: percent-encodings, dot segments and all. */
  path: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Host header (HTTP/1.1) or :authority (HTTP/2); the server's own by default. */
  host?: string;
}

export interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/**
 * The request never became an HTTP request: the client's own header or path
 * checks refused it, or the HTTP/2 layer reset the stream as malformed
 * (PROTOCOL_ERROR, as nghttp2 does for a bad `:authority`). Not an answer of
 * the mock's, and not a failure of it either.
 */
export class Unsendable extends Error {}

const TIMEOUT_MS = 10_000;

export class RawClient {
  readonly #url: URL;
  #session: ClientHttp2Session | undefined;

  constructor(baseUrl: string) {
    this.#url = new URL(baseUrl);
  }

  send(transport: Transport, request: RawRequest): Promise<RawAnswer> {
    return transport === "http1" ? this.#http1(request) : this.#http2(request);
  }

  close(): void {
    this.#session?.close();
    this.#session = undefined;
  }

  #http1(request: RawRequest): Promise<RawAnswer> {
    return new Promise((resolve, reject) => {
      let req;
      try {
        req = http1Request({
          host: this.#url.hostname,
          port: this.#url.port,
          method: request.method,
          path: request.path,
          setHost: false,
          agent: false,
          headers: { host: request.host ?? this.#url.host, connection: "close", ...request.headers },
        });
      } catch (error) {
        reject(new Unsendable(String(error)));
        return;
      }
      const timer = setTimeout(() => req.destroy(new Error(`no answer within ${TIMEOUT_MS} ms`)), TIMEOUT_MS);
      req.on("response", (res) => {
        const chunks: Buffer[] = [];
        const streaming = String(res.headers["content-type"] ?? "").startsWith("text/event-stream");
        const finish = () => {
          clearTimeout(timer);
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") });
        };
        res.on("data", (chunk: Buffer) => {
          chunks.push(chunk);
          if (streaming) {
            res.destroy();
            finish();
          }
        });
        res.on("end", finish);
        res.on("error", () => (streaming ? finish() : undefined));
      });
      req.on("error", (error) => {
        clearTimeout(timer);
        reject(error);
      });
      req.end(request.body);
    });
  }

  #h2Session(): ClientHttp2Session {
    if (this.#session === undefined || this.#session.closed || this.#session.destroyed) {
      const session = http2Connect(this.#url.origin);
      session.on("error", () => undefined);
      session.unref();
      this.#session = session;
    }
    return this.#session;
  }

  #http2(request: RawRequest): Promise<RawAnswer> {
    return new Promise((resolve, reject) => {
      let stream;
      try {
        stream = this.#h2Session().request({
          ":method": request.method,
          ":path": request.path,
          ":authority": request.host ?? this.#url.host,
          ...request.headers,
        });
      } catch (error) {
        reject(new Unsendable(String(error)));
        return;
      }
      const timer = setTimeout(() => stream.close(constants.NGHTTP2_CANCEL), TIMEOUT_MS);
      let status = 0;
      let headers: RawAnswer["headers"] = {};
      const chunks: Buffer[] = [];
      let done = false;
      const finish = () => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        if (status === 0 && stream.rstCode === constants.NGHTTP2_PROTOCOL_ERROR) reject(new Unsendable("stream reset as malformed"));
        else if (status === 0) reject(new Error(`HTTP/2 stream closed without a response (code ${stream.rstCode})`));
        else resolve({ status, headers, body: Buffer.concat(chunks).toString("utf8") });
      };
      stream.on("response", (h) => {
        status = Number(h[":status"]);
        headers = h as RawAnswer["headers"];
      });
      stream.on("data", (chunk: Buffer) => {
        chunks.push(chunk);
        if (String(headers["content-type"] ?? "").startsWith("text/event-stream")) {
          finish();
          stream.close(constants.NGHTTP2_CANCEL);
        }
      });
      stream.on("end", finish);
      stream.on("close", finish);
      stream.on("error", () => undefined);
      stream.end(request.body);
    });
  }
}
