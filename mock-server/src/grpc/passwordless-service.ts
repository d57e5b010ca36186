import { create } from "@bufbuild/protobuf";
import type { ConnectRouter, HandlerContext } from "@connectrpc/connect";
import type { Verification } from "../domain/auth-request.js";
import { TEMPLATE_TYPES, type SendInput } from "../domain/validation.js";
import type { HttpDeps } from "../http/deps.js";
import type { SendResult } from "../services/passwordless.js";
import type { Environment } from "../state/environment.js";
import { translateErrors } from "./errors.js";
import {
  PasswordlessService,
  PasswordlessType,
  SendPasswordlessResponseSchema,
  TemplateType,
  VerifyPasswordLessResponseSchema,
} from "./gen/scalekit/v1/auth/passwordless_pb.js";

export type GrpcDeps = Pick<HttpDeps, "environments" | "passwordless" | "tokens">;

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

/** PasswordlessService over gRPC, gRPC-Web and Connect: decode, authenticate, call the same service as REST. */
export function passwordlessRoutes(deps: GrpcDeps) {
  const authenticate = (context: HandlerContext): Promise<Environment> =>
    deps.tokens.authenticate(context.requestHeader.get("authorization") ?? undefined, (id) => deps.environments.byClientId(id));

  return (router: ConnectRouter) =>
    router.service(PasswordlessService, {
      sendPasswordlessEmail: (request, context) =>
        translateErrors("SendPasswordlessEmail", async () => {
          const env = await authenticate(context);
          const input: SendInput = {
            email: request.email,
            // Open enums: a number outside the enum reaches the domain, which rejects it as buf.validate would.
            ...(request.template !== undefined && { template: TEMPLATE_TYPES[request.template] ?? request.template }),
            ...(request.magiclinkAuthUri !== undefined && { magiclinkAuthUri: request.magiclinkAuthUri }),
            ...(request.state !== undefined && { state: request.state }),
            ...(request.expiresIn !== undefined && { expiresIn: request.expiresIn }),
            templateVariables: request.templateVariables,
          };
          return sendResponse(deps.passwordless.send(env, input));
        }),
      resendPasswordlessEmail: (request, context) =>
        translateErrors("ResendPasswordlessEmail", async () => {
          const env = await authenticate(context);
          return sendResponse(deps.passwordless.resend(env, { authRequestId: request.authRequestId }));
        }),
      verifyPasswordlessEmail: (request, context) =>
        translateErrors("VerifyPasswordlessEmail", async () => {
          const env = await authenticate(context);
          const credential = request.authCredential;
          return verifyResponse(
            deps.passwordless.verify(env, {
              ...(credential.case === "code" && { code: credential.value }),
              ...(credential.case === "linkToken" && { linkToken: credential.value }),
              ...(request.authRequestId !== undefined && { authRequestId: request.authRequestId }),
            }),
          );
        }),
    });
}
