import type { IncomingMessage, ServerResponse } from "node:http";
import type { Http2ServerRequest, Http2ServerResponse } from "node:http2";
import type { GrpcDeps } from "./passwordless-service.js";

type NodeRequest = IncomingMessage | Http2ServerRequest;
type NodeResponse = ServerResponse | Http2ServerResponse;
export type NodeListener = (request: NodeRequest, response: NodeResponse) => void;

/** Every gRPC, gRPC-Web and Connect call of the service has a path under this prefix. */
const SERVICE_PATH = "/scalekit.v1.auth.passwordless.PasswordlessService/";

/**
 * One listener for the port: calls of PasswordlessService go to Connect,
 * everything else to `fallback` (the Hono app). Connect, protobuf and the
 * generated code load on the first call, so a mock used only over REST starts
 * sooner and holds less memory.
 */
export function rpcAwareListener(deps: GrpcDeps, readMaxBytes: number, fallback: NodeListener): NodeListener {
  let connect: Promise<NodeListener> | undefined;
  const load = async (): Promise<NodeListener> => {
    const [{ connectNodeAdapter }, { grpcContextValues, passwordlessRoutes }] = await Promise.all([
      import("@connectrpc/connect-node"),
      import("./passwordless-service.js"),
    ]);
    return connectNodeAdapter({
      routes: passwordlessRoutes(deps),
      contextValues: grpcContextValues,
      // Larger messages are refused with ResourceExhausted.
      readMaxBytes,
      // Unknown methods of the service fall through to the app's 404, as other paths do.
      fallback: (request, response) => fallback(request, response as NodeResponse),
    }) as NodeListener;
  };
  return (request, response) => {
    if (!request.url?.startsWith(SERVICE_PATH)) {
      fallback(request, response);
      return;
    }
    connect ??= load();
    connect.then(
      (listener) => listener(request, response),
      (error: unknown) => {
        console.error("scalekit-mock: could not load the gRPC service:", error);
        response.statusCode = 500;
        response.end();
      },
    );
  };
}
