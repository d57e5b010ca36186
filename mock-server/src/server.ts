import { createServer, type Server } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { getRequestListener } from "@hono/node-server";
import type { Hono } from "hono";

export interface Listening {
  /** Base URL clients use, e.g. http://127.0.0.1:8787. */
  url: string;
  host: string;
  port: number;
  /** Stops accepting, lets in-flight requests finish (up to `graceMs`), then closes every socket. */
  close(graceMs?: number): Promise<void>;
}

/** The host part of a URL for a bind address ("0.0.0.0" is reached as 127.0.0.1). */
function reachableHost(host: string): string {
  if (host === "0.0.0.0" || host === "") return "127.0.0.1";
  if (host === "::") return "[::1]";
  return host.includes(":") ? `[${host}]` : host;
}

/** The only place that listens. */
export function listen(app: Hono, options: { host: string; port: number }): Promise<Listening> {
  const server: Server = createServer(getRequestListener(app.fetch));
  const sockets = new Set<Socket>();
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  // A client that sends garbage gets a 400 from Node; never let it take the server down.
  server.on("clientError", (_error, socket) => {
    if (socket.writable) socket.end("HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n");
    else socket.destroy();
  });

  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => {
      server.off("error", reject);
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://${reachableHost(options.host)}:${port}`,
        host: options.host,
        port,
        close: (graceMs = 2_000) =>
          new Promise<void>((done) => {
            const force = setTimeout(() => {
              for (const socket of sockets) socket.destroy();
            }, graceMs);
            force.unref();
            server.close(() => {
              clearTimeout(force);
              done();
            });
            server.closeIdleConnections();
          }),
      });
    });
  });
}
