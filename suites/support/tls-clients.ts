import { request as httpsRequest, type RequestOptions } from "node:https";
import { connect as h2Connect, constants } from "node:http2";
import { createServer, type AddressInfo } from "node:net";
import { connect as tlsConnect, type ConnectionOptions, type TLSSocket } from "node:tls";

export interface TlsAnswer {
  status: number;
  body: string;
  headers: Record<string, string | string[] | undefined>;
  /** The protocol ALPN settled on: "h2" or "http/1.1". */
  alpn: string | false | null;
}

export interface TlsCall {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  /** The CA to trust (PEM); only it, not the system's. */
  ca: string;
}

/** One request over HTTPS with HTTP/1.1 (ALPN offers only http/1.1), trusting `ca` alone. */
export function https1(url: string, call: TlsCall): Promise<TlsAnswer> {
  return new Promise((resolve, reject) => {
    const options: RequestOptions & ConnectionOptions = { method: call.method ?? "GET", headers: call.headers, ca: call.ca, ALPNProtocols: ["http/1.1"], agent: false };
    // Node checks the certificate against a Host header given; a test of a bad Host must still reach the server,
    // so the certificate is checked for localhost, a name every generated certificate carries.
    if (call.headers?.host !== undefined) options.servername = "localhost";
    const req = httpsRequest(url, options, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (body += chunk));
      res.on("end", () => resolve({ status: res.statusCode!, body, headers: res.headers, alpn: (res.socket as TLSSocket).alpnProtocol }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(call.body);
  });
}

/** One request over HTTPS with HTTP/2 (ALPN h2), trusting `ca` alone. */
export function https2(url: string, call: TlsCall): Promise<TlsAnswer> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const session = h2Connect(target.origin, { ca: call.ca });
    session.on("error", reject);
    const stream = session.request({ ":method": call.method ?? "GET", ":path": target.pathname + target.search, ...call.headers });
    let status = 0;
    let headers: Record<string, string | string[] | undefined> = {};
    let body = "";
    stream.setEncoding("utf8");
    stream.on("response", (h) => {
      status = Number(h[constants.HTTP2_HEADER_STATUS]);
      headers = h;
    });
    stream.on("data", (chunk: string) => (body += chunk));
    stream.on("end", () => {
      const alpn = (session.socket as unknown as TLSSocket).alpnProtocol;
      session.close();
      resolve({ status, body, headers, alpn });
    });
    stream.on("error", reject);
    stream.end(call.body);
  });
}

/** The bytes of a real ClientHello: what a TLS client sends first, captured from Node's own client. */
export function captureClientHello(): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const server = createServer((socket) => {
      socket.once("data", (chunk) => {
        socket.destroy();
        server.close();
        resolve(chunk);
      });
    });
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      tlsConnect({ host: "127.0.0.1", port, servername: "localhost", ALPNProtocols: ["h2"] }).on("error", () => undefined);
    });
    server.on("error", reject);
  });
}
