import type { IncomingMessage } from "node:http";
import { constants as h2, type Http2ServerRequest } from "node:http2";
import { create } from "@bufbuild/protobuf";
import { Code, ConnectError, createContextKey, createContextValues, type ConnectRouter, type HandlerContext } from "@connectrpc/connect";
import type { Verification } from "../domain/auth-request.js";
import { TEMPLATE_TYPES, type SendInput } from "../domain/validation.js";
import type { HttpDeps } from "../http/deps.js";
import { Calls, DropConnection, type Call, type PlanMail } from "../services/calls.js";
import type { SendResult } from "../services/passwordless.js";
import type { Environment } from "../state/environment.js";
import type { Operation } from "../domain/operations.js";
import { translateErrors } from "./errors.js";
import {
  PasswordlessService,
  PasswordlessType,
  SendPasswordlessResponseSchema,
  TemplateType,
  VerifyPasswordLessResponseSchema,
} from "./gen/scalekit/v1/auth/passwordless_pb.js";

export type GrpcDeps = Pick<HttpDeps, "environments" | "passwordless" | "tokens" | "calls">;

type NodeServerRequest = IncomingMessage | Http2ServerRequest;

/** The Node request under a call, so a `drop` fault can cut its stream or socket. */
const rawRequest = createContextKey<NodeServerRequest | undefined>(undefined);

export const grpcContextValues = (request: NodeServerRequest) => createContextValues().set(rawRequest, request);

function sendResponse(result: SendResult) {
  return create(SendPasswordlessResponseSchema, {
    authRequestId: result.authRequestId,
    expiresAt: BigInt(Math.floor(result.expiresAt / 1000)),
    expiresIn: result.expiresIn,
    passwordlessType: PasswordlessType[result.passwordlessType],
  });
}

function verifyResponse(result: Verification) {
  return create(VerifyPasswordLessResponseSchema, {
    email: result.email,
    ...(result.state !== undefined && { state: result.state }),
    template: TemplateType[result.template],
    passwordlessType: PasswordlessType[result.passwordlessType],
  });
}

/** Cuts the call off: RST_STREAM (REFUSED_STREAM) on HTTP/2, the socket on HTTP/1.1. */
function drop(context: HandlerContext): ConnectError {
  const request = context.values.get(rawRequest);
  if (request && "stream" in request) request.stream.close(h2.NGHTTP2_REFUSED_STREAM);
  else request?.socket.destroy();
  return new ConnectError("connection dropped by a fault rule", Code.Unavailable);
}

/** PasswordlessService over gRPC, gRPC-Web and Connect: decode, authenticate, call the same service as REST. */
export function passwordlessRoutes(deps: GrpcDeps) {
  /**
   * Authenticates, applies fault rules and journals the call, around `run`.
   * `facts` names what the call is about, for fault matching and the journal.
   */
  const handle = <T>(
    operation: Operation,
    context: HandlerContext,
    facts: { email?: string; authRequestId?: string; linkToken?: string },
    run: (env: Environment, mail: PlanMail) => T,
  ): Promise<T> => {
    const call: Call = deps.calls.start("grpc", operation, context.requestHeader.entries());
    return translateErrors(operation, async () => {
      try {
        const env = await deps.tokens.authenticate(context.requestHeader.get("authorization") ?? undefined, (id) => deps.environments.get(id));
        deps.calls.identify(call, env, facts);
        const result = run(env, await deps.calls.applyFaults(call));
        deps.calls.finish(call, { grpcCode: "OK", outcome: "ok" });
        return result;
      } catch (error) {
        deps.calls.finish(call, Calls.endOf(error));
        if (error instanceof DropConnection) throw drop(context);
        if (error instanceof Error && "retryAfter" in error && error.retryAfter !== undefined) {
          context.responseHeader.set("retry-after", String(error.retryAfter));
        }
        throw error;
      }
    });
  };

  return (router: ConnectRouter) =>
    router.service(PasswordlessService, {
      sendPasswordlessEmail: (request, context) =>
        handle("send", context, { email: request.email }, (env, mail) => {
          const input: SendInput = {
            email: request.email,
            // Open enums: a number outside the enum reaches the domain, which rejects it as buf.validate would.
            ...(request.template !== undefined && { template: TEMPLATE_TYPES[request.template] ?? request.template }),
            ...(request.magiclinkAuthUri !== undefined && { magiclinkAuthUri: request.magiclinkAuthUri }),
            ...(request.state !== undefined && { state: request.state }),
            ...(request.expiresIn !== undefined && { expiresIn: request.expiresIn }),
            templateVariables: request.templateVariables,
          };
          return sendResponse(deps.passwordless.send(env, input, mail));
        }),
      resendPasswordlessEmail: (request, context) =>
        handle("resend", context, { authRequestId: request.authRequestId }, (env, mail) =>
          sendResponse(deps.passwordless.resend(env, { authRequestId: request.authRequestId }, mail)),
        ),
      verifyPasswordlessEmail: (request, context) => {
        const credential = request.authCredential;
        return handle(
          "verify",
          context,
          {
            ...(request.authRequestId !== undefined && { authRequestId: request.authRequestId }),
            ...(credential.case === "linkToken" && { linkToken: credential.value }),
          },
          (env) =>
            verifyResponse(
              deps.passwordless.verify(env, {
                ...(credential.case === "code" && { code: credential.value }),
                ...(credential.case === "linkToken" && { linkToken: credential.value }),
                ...(request.authRequestId !== undefined && { authRequestId: request.authRequestId }),
              }),
            ),
        );
      },
    });
}
