import type { RequestHandler } from "./listen.js";
import type { GrpcDeps } from "../grpc/passwordless-service.js";

/** Every gRPC, gRPC-Web and Connect call of the service has a path under this prefix. */
const SERVICE_PATH = "/scalekit.v1.auth.passwordless.PasswordlessService/";

/**
 * One listener for the port: calls of PasswordlessService go to Connect,
 * everything else to `fallback` (the Hono app). Connect, protobuf and the
 * generated code load on the first call, so a mock used only over REST starts
 * sooner and holds less memory.
 */
export function rpcAwareListener(deps: GrpcDeps, readMaxBytes: number, fallback: RequestHandler): RequestHandler {
  let connect: Promise<RequestHandler> | undefined;
  const load = async (): Promise<RequestHandler> => {
    const [{ connectListener }, { grpcContextValues, passwordlessRoutes }] = await Promise.all([
      import("../grpc/connect-listener.js"),
      import("../grpc/passwordless-service.js"),
    ]);
    return connectListener({
      register: passwordlessRoutes(deps),
      contextValues: grpcContextValues,
      // Larger messages are refused with ResourceExhausted.
      readMaxBytes,
      // Unknown methods of the service fall through to the app's 404, as other paths do.
      fallback,
    });
  };
  // Each call's promise goes back to the server, which answers 500 for what it rejects with.
  return (request, response) => {
    if (!request.url?.startsWith(SERVICE_PATH)) return fallback(request, response);
    connect ??= load();
    return connect.then(
      (listener) => listener(request, response),
      (error: unknown) => {
        console.error("scalekit-mock: could not load the gRPC service:", error);
        response.statusCode = 500;
        response.end();
      },
    );
  };
}
