import type { IncomingMessage } from "node:http";
import { constants as h2, type Http2ServerRequest } from "node:http2";
import { create, type DescMessage, type MessageInitShape } from "@bufbuild/protobuf";
import { Code, ConnectError, createContextKey, createContextValues, type ConnectRouter, type HandlerContext } from "@connectrpc/connect";
import { resendCommand, sendCommand, verifyCommand, type InvalidCommand, type ScalekitCommand } from "../domain/commands.js";
import { SEND_RESPONSE, sendResponseValues, VERIFY_RESPONSE, type FieldDescription } from "../domain/messages.js";
import type { Operation } from "../domain/operations.js";
import { TEMPLATE_TYPES } from "../domain/validation.js";
import type { ResultOf, ScalekitCalls } from "../services/scalekit-call.js";
import { toConnectError, unexpectedError } from "./errors.js";
import {
  PasswordlessService,
  PasswordlessType,
  SendPasswordlessResponseSchema,
  TemplateType,
  VerifyPasswordLessResponseSchema,
} from "./gen/scalekit/v1/auth/passwordless_pb.js";

export interface GrpcDeps {
  scalekit: ScalekitCalls;
}

type NodeServerRequest = IncomingMessage | Http2ServerRequest;

/** The Node request under a call, so a `drop` fault can cut its stream or socket. */
const rawRequest = createContextKey<NodeServerRequest | undefined>(undefined);

export const grpcContextValues = (request: NodeServerRequest) => createContextValues().set(rawRequest, request);

/** Cuts the call off: RST_STREAM (REFUSED_STREAM) on HTTP/2, the socket on HTTP/1.1. */
function drop(context: HandlerContext): ConnectError {
  const request = context.values.get(rawRequest);
  if (request && "stream" in request) request.stream.close(h2.NGHTTP2_REFUSED_STREAM);
  else request?.socket.destroy();
  return new ConnectError("connection dropped by a fault rule", Code.Unavailable);
}

const PROTO_ENUMS = { TemplateType, PasswordlessType } as const;

/** A response message from values keyed by lowerCamelCase names, as the message description says: int64 as bigint, enums by number. */
function encode<S extends DescMessage>(schema: S, fields: readonly FieldDescription[], values: Record<string, unknown>) {
  const init: Record<string, unknown> = {};
  for (const field of fields) {
    const value = values[field.camel];
    if (value === undefined) continue;
    if (field.kind.type === "int64") init[field.camel] = BigInt(value as number);
    else if (field.kind.type === "enum") init[field.camel] = (PROTO_ENUMS[field.kind.protoEnum] as unknown as Record<string, number>)[value as string];
    else init[field.camel] = value;
  }
  return create(schema, init as MessageInitShape<S>);
}

/** PasswordlessService over gRPC, gRPC-Web and Connect: the message becomes a command, the pipeline runs it. */
export function passwordlessRoutes(deps: GrpcDeps) {
  const run = async <C extends ScalekitCommand, R>(
    operation: Operation,
    context: HandlerContext,
    command: C | InvalidCommand,
    encode: (result: ResultOf<C>) => R,
  ): Promise<R> => {
    const outcome = await deps.scalekit
      .call({
        transport: "grpc",
        operation,
        authorization: context.requestHeader.get("authorization") ?? undefined,
        headers: context.requestHeader.entries(),
        decode: () => command,
        encode,
      })
      .catch((error: unknown) => {
        throw unexpectedError(operation, error);
      });
    if (outcome.kind === "drop") throw drop(context);
    if (outcome.kind === "error") {
      if (outcome.error.retryAfter !== undefined) context.responseHeader.set("retry-after", String(outcome.error.retryAfter));
      throw toConnectError(outcome.error);
    }
    return outcome.value;
  };
  const sendResponse = (result: ResultOf<{ kind: "send" } & ScalekitCommand>) =>
    encode(SendPasswordlessResponseSchema, SEND_RESPONSE, sendResponseValues(result));

  return (router: ConnectRouter) =>
    router.service(PasswordlessService, {
      sendPasswordlessEmail: (request, context) =>
        run(
          "send",
          context,
          sendCommand({
            ...request,
            // Open enums: a number outside the enum reaches the domain, which rejects it as buf.validate would.
            template: request.template === undefined ? undefined : (TEMPLATE_TYPES[request.template] ?? request.template),
          }),
          sendResponse,
        ),
      resendPasswordlessEmail: (request, context) => run("resend", context, resendCommand(request), sendResponse),
      verifyPasswordlessEmail: (request, context) => {
        const credential = request.authCredential;
        return run(
          "verify",
          context,
          verifyCommand({
            code: credential.case === "code" ? credential.value : undefined,
            linkToken: credential.case === "linkToken" ? credential.value : undefined,
            authRequestId: request.authRequestId,
          }),
          (verification) => encode(VerifyPasswordLessResponseSchema, VERIFY_RESPONSE, { ...verification }),
        );
      },
    });
}
