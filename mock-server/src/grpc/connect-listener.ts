import { Code, ConnectError, createConnectRouter, type ConnectRouter, type ContextValues } from "@connectrpc/connect";
import type { UniversalHandler, UniversalServerResponse } from "@connectrpc/connect/protocol";
import { compressionBrotli, compressionGzip, universalRequestFromNodeRequest, universalResponseToNodeResponse } from "@connectrpc/connect-node";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Http2ServerRequest, Http2ServerResponse } from "node:http2";
import { withStatusDetails } from "./status-details.js";

type NodeRequest = IncomingMessage | Http2ServerRequest;
type NodeResponse = ServerResponse | Http2ServerResponse;
/** A Node request listener, over HTTP/1.1 or HTTP/2 (the same shape the one-port server takes). */
type RequestHandler = (request: NodeRequest, response: NodeResponse) => void | Promise<void>;

// Deviation D32: undecodable messages as grpc-go and connect-go answer them
/**
 * connect-es reports a request message that does not decode as Internal. Over
 * gRPC that is a status in the trailers (HTTP 200), as grpc-go answers too;
 * but the Connect protocol turns Internal into HTTP 500, and a client's broken
 * message is the client's mistake. There the mock answers invalid_argument
 * (HTTP 400), as connect-go does.
 */
async function undecodableAsInvalidArgument(response: UniversalServerResponse): Promise<UniversalServerResponse> {
  if (response.status !== 500 || response.body === undefined) return response;
  const chunks: Uint8Array[] = [];
  for await (const chunk of response.body) chunks.push(chunk);
  const text = Buffer.concat(chunks).toString("utf8");
  let error: { code?: unknown; message?: unknown } | undefined;
  try {
    error = JSON.parse(text) as typeof error;
  } catch {
    error = undefined;
  }
  const undecodable = error?.code === "internal" && typeof error.message === "string" && error.message.startsWith("parse binary:");
  const body = undecodable ? JSON.stringify({ ...error, code: "invalid_argument" }) : text;
  const header = new Headers(response.header);
  header.delete("content-length");
  return { ...response, status: undecodable ? 400 : response.status, header, body: (async function* () { yield new TextEncoder().encode(body); })() };
}

/**
 * The Node listener for the service's gRPC, gRPC-Web and Connect calls: the
 * routes of `register`, found by path; anything else goes to `fallback`.
 * Each call's promise goes back to the server, which answers 500 for a bug.
 */
export function connectListener(options: {
  register: (router: ConnectRouter) => void;
  contextValues: (request: NodeRequest) => ContextValues;
  readMaxBytes: number;
  fallback: RequestHandler;
}): RequestHandler {
  const compressions = [compressionGzip, compressionBrotli];
  const router = createConnectRouter({ readMaxBytes: options.readMaxBytes, acceptCompression: compressions });
  options.register(router);
  const byPath = new Map<string, UniversalHandler>(router.handlers.map((handler) => [handler.requestPath, handler]));
  return async (request, response) => {
    const handler = byPath.get((request.url ?? "").split("?", 1)[0]!);
    if (handler === undefined) return options.fallback(request, response);
    const universal = universalRequestFromNodeRequest(request as never, response as never, undefined, options.contextValues(request));
    try {
      const answer = withStatusDetails(await undecodableAsInvalidArgument(await handler(universal)), compressions);
      await universalResponseToNodeResponse(answer, response as NodeResponse as never);
    } catch (reason) {
      // The client went away mid-call: nothing to answer, and no bug.
      if (ConnectError.from(reason).code !== Code.Aborted) throw reason;
    }
  };
}
