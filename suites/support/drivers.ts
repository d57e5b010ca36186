import { ScalekitClient } from "@scalekit-sdk/node";
import { restSession } from "./rest.js";

/**
 * The same three calls over each transport, with results normalised so that
 * a scenario can assert one outcome for all of them.
 */

export type TemplateName = "SIGNIN" | "SIGNUP";

export interface SendOptions {
  template?: TemplateName;
  state?: string;
  magiclinkAuthUri?: string;
  expiresIn?: number;
  templateVariables?: Record<string, string>;
}

export interface Sent {
  authRequestId: string;
  /** Epoch seconds. */
  expiresAt: number;
  expiresIn: number;
  passwordlessType: string;
}

export interface Verified {
  email: string;
  state?: string;
  template?: string;
  passwordlessType: string;
}

/** A failed call: gRPC status number, Scalekit error code, and the server's message. */
export interface Failure {
  grpcCode: number;
  errorCode: string | undefined;
  message: string;
}

export type Outcome<T> = { ok: true; value: T } | { ok: false; error: Failure };

export interface Driver {
  transport: "rest" | "sdk";
  send(email: string, options?: SendOptions): Promise<Outcome<Sent>>;
  resend(authRequestId: string): Promise<Outcome<Sent>>;
  verify(credential: { code: string } | { linkToken: string }, authRequestId?: string): Promise<Outcome<Verified>>;
}

export interface Target {
  url: string;
  clientId: string;
  clientSecret: string;
}

const PASSWORDLESS_TYPES = ["PASSWORDLESS_TYPE_UNSPECIFIED", "OTP", "LINK", "LINK_OTP"];
const TEMPLATES = ["UNSPECIFIED", "SIGNIN", "SIGNUP"];

export async function restDriver(target: Target): Promise<Driver> {
  const api = await restSession(target, { refreshOn401: true });
  const outcome = <T>(result: { status: number; body: any }, map: (body: any) => T): Outcome<T> =>
    result.status === 200
      ? { ok: true, value: map(result.body) }
      : { ok: false, error: { grpcCode: result.body.code, errorCode: result.body.details?.[0]?.error_code, message: result.body.message } };
  const sent = (body: any): Sent => ({
    authRequestId: body.auth_request_id,
    expiresAt: Number(body.expires_at),
    expiresIn: body.expires_in,
    passwordlessType: body.passwordless_type,
  });
  return {
    transport: "rest",
    send: async (email, options = {}) =>
      outcome(
        await api.send({
          email,
          ...(options.template !== undefined && { template: options.template }),
          ...(options.state !== undefined && { state: options.state }),
          ...(options.magiclinkAuthUri !== undefined && { magiclink_auth_uri: options.magiclinkAuthUri }),
          ...(options.expiresIn !== undefined && { expires_in: options.expiresIn }),
          ...(options.templateVariables !== undefined && { template_variables: options.templateVariables }),
        }),
        sent,
      ),
    resend: async (authRequestId) => outcome(await api.resend({ auth_request_id: authRequestId }), sent),
    verify: async (credential, authRequestId) =>
      outcome(
        await api.verify({
          ...("code" in credential ? { code: credential.code } : { link_token: credential.linkToken }),
          ...(authRequestId !== undefined && { auth_request_id: authRequestId }),
        }),
        (body): Verified => ({
          email: body.email,
          ...(body.state !== undefined && { state: body.state }),
          ...(body.template !== undefined && { template: body.template }),
          passwordlessType: body.passwordless_type,
        }),
      ),
  };
}

/** The official SDK, unchanged, pointed at the target. */
export function sdkDriver(target: Target): Driver & { client: ScalekitClient } {
  const client = new ScalekitClient(target.url, target.clientId, target.clientSecret);
  const run = async <T>(call: () => Promise<T>): Promise<Outcome<T>> => {
    try {
      return { ok: true, value: await call() };
    } catch (error: any) {
      if (typeof error?.grpcStatus !== "number") throw error;
      // ConnectError prefixes the message with the code name, e.g. "[invalid_argument] ".
      return { ok: false, error: { grpcCode: error.grpcStatus, errorCode: error.errorCode ?? undefined, message: String(error.message).replace(/^\[\w+\] /, "") } };
    }
  };
  const sent = (response: any): Sent => ({
    authRequestId: response.authRequestId,
    expiresAt: Number(response.expiresAt),
    expiresIn: response.expiresIn,
    passwordlessType: PASSWORDLESS_TYPES[response.passwordlessType]!,
  });
  return {
    transport: "sdk",
    client,
    // The SDK takes the template by name at run time, though its type names only the enum.
    send: (email, options = {}) =>
      run(async () => sent(await client.passwordless.sendPasswordlessEmail(email, options as Parameters<typeof client.passwordless.sendPasswordlessEmail>[1]))),
    resend: (authRequestId) => run(async () => sent(await client.passwordless.resendPasswordlessEmail(authRequestId))),
    verify: (credential, authRequestId) =>
      run(async () => {
        const response = await client.passwordless.verifyPasswordlessEmail(credential, authRequestId);
        return {
          email: response.email,
          ...(response.state !== undefined && { state: response.state }),
          ...(response.template !== undefined && { template: TEMPLATES[response.template] }),
          passwordlessType: PASSWORDLESS_TYPES[response.passwordlessType]!,
        };
      }),
  };
}
