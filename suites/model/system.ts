import { ConnectError, createClient, type Client } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { PasswordlessService, PasswordlessType, TemplateType } from "../../mock-server/src/grpc/gen/scalekit/v1/auth/passwordless_pb.js";
import { ErrorInfoSchema } from "../../mock-server/src/grpc/gen/scalekit/v1/errdetails/errdetails_pb.js";

/**
 * The mock as a test sees it from outside: the Scalekit API over REST and
 * over gRPC (HTTP/2), and the control API, all over real sockets. Answers of
 * both transports come back in one shape so they can be compared with one
 * prediction.
 */

export type Transport = "rest" | "grpc";

/** A call's answer: the response fields, or the error's gRPC code, `error_code` and (REST) HTTP status. */
export type Answer = { ok: true; value: Record<string, unknown> } | { ok: false; grpc: number; errorCode: string | undefined; http?: number };

export interface SendFields {
  email: string;
  template?: "SIGNIN" | "SIGNUP";
  state?: string;
  uri?: string;
  expiresIn?: number;
}

export interface VerifyFields {
  code?: string;
  linkToken?: string;
  authRequestId?: string;
}

export interface ControlAnswer {
  status: number;
  body: any;
}

export class System {
  readonly url: string;
  readonly #grpc: Client<typeof PasswordlessService>;
  /** Requests made, by surface. */
  readonly counts = { rest: 0, grpc: 0, control: 0, token: 0 };

  constructor(url: string) {
    this.url = url;
    this.#grpc = createClient(PasswordlessService, createGrpcTransport({ baseUrl: url }));
  }

  async control(method: string, path: string, body?: unknown): Promise<ControlAnswer> {
    this.counts.control++;
    const response = await fetch(`${this.url}/_mock/v1${path}`, {
      method,
      ...(body !== undefined && { body: JSON.stringify(body), headers: { "content-type": "application/json" } }),
      signal: AbortSignal.timeout(10_000),
    });
    const text = await response.text();
    return { status: response.status, body: text === "" ? undefined : JSON.parse(text) };
  }

  /** The control API of one environment. */
  env(id: string, method: string, path: string, body?: unknown): Promise<ControlAnswer> {
    return this.control(method, `/environments/${encodeURIComponent(id)}${path}`, body);
  }

  async token(clientId: string, clientSecret: string): Promise<string> {
    this.counts.token++;
    const response = await fetch(`${this.url}/oauth/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ grant_type: "client_credentials", client_id: clientId, client_secret: clientSecret }),
      signal: AbortSignal.timeout(10_000),
    });
    const body = (await response.json()) as { access_token?: string };
    if (response.status !== 200 || body.access_token === undefined) throw new Error(`token for ${clientId}: HTTP ${response.status} ${JSON.stringify(body)}`);
    return body.access_token;
  }

  async #rest(operation: string, token: string, body: Record<string, unknown>, map: (body: any) => Record<string, unknown>): Promise<Answer> {
    this.counts.rest++;
    const response = await fetch(`${this.url}/api/v1/passwordless/email/${operation}`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    });
    const json = (await response.json()) as any;
    if (response.status === 200) return { ok: true, value: map(json) };
    return { ok: false, grpc: json.code, errorCode: json.details?.[0]?.error_code, http: response.status };
  }

  async #rpc<T>(token: string, call: (options: { headers: Record<string, string>; timeoutMs: number }) => Promise<T>, map: (m: T) => Record<string, unknown>): Promise<Answer> {
    this.counts.grpc++;
    try {
      return { ok: true, value: map(await call({ headers: { authorization: `Bearer ${token}` }, timeoutMs: 10_000 })) };
    } catch (error) {
      const e = ConnectError.from(error);
      return { ok: false, grpc: e.code, errorCode: e.findDetails(ErrorInfoSchema)[0]?.errorCode };
    }
  }

  send(transport: Transport, token: string, input: SendFields): Promise<Answer> {
    if (transport === "rest") {
      return this.#rest(
        "send",
        token,
        {
          email: input.email,
          ...(input.template !== undefined && { template: input.template }),
          ...(input.state !== undefined && { state: input.state }),
          ...(input.uri !== undefined && { magiclink_auth_uri: input.uri }),
          ...(input.expiresIn !== undefined && { expires_in: input.expiresIn }),
        },
        restSent,
      );
    }
    return this.#rpc(
      token,
      (options) =>
        this.#grpc.sendPasswordlessEmail(
          {
            email: input.email,
            ...(input.template !== undefined && { template: TemplateType[input.template] }),
            ...(input.state !== undefined && { state: input.state }),
            ...(input.uri !== undefined && { magiclinkAuthUri: input.uri }),
            ...(input.expiresIn !== undefined && { expiresIn: input.expiresIn }),
          },
          options,
        ),
      rpcSent,
    );
  }

  resend(transport: Transport, token: string, authRequestId: string): Promise<Answer> {
    if (transport === "rest") return this.#rest("resend", token, { auth_request_id: authRequestId }, restSent);
    return this.#rpc(token, (options) => this.#grpc.resendPasswordlessEmail({ authRequestId }, options), rpcSent);
  }

  verify(transport: Transport, token: string, input: VerifyFields): Promise<Answer> {
    if (transport === "rest") {
      return this.#rest(
        "verify",
        token,
        {
          ...(input.code !== undefined && { code: input.code }),
          ...(input.linkToken !== undefined && { link_token: input.linkToken }),
          ...(input.authRequestId !== undefined && { auth_request_id: input.authRequestId }),
        },
        (body) => body,
      );
    }
    return this.#rpc(
      token,
      (options) =>
        this.#grpc.verifyPasswordlessEmail(
          {
            authCredential: input.code !== undefined ? { case: "code", value: input.code } : { case: "linkToken", value: input.linkToken! },
            ...(input.authRequestId !== undefined && { authRequestId: input.authRequestId }),
          },
          options,
        ),
      (m) => ({
        email: m.email,
        ...(m.state !== undefined && { state: m.state }),
        ...(m.template !== undefined && { template: TemplateType[m.template] }),
        passwordless_type: PasswordlessType[m.passwordlessType],
      }),
    );
  }
}

/** REST's int64 `expires_at` is a string on the wire; compared as a number. */
function restSent(body: any): Record<string, unknown> {
  return { ...body, expires_at: typeof body.expires_at === "string" ? Number(body.expires_at) : { notAString: body.expires_at } };
}

function rpcSent(m: { authRequestId: string; expiresAt: bigint; expiresIn: number; passwordlessType: PasswordlessType }): Record<string, unknown> {
  return { auth_request_id: m.authRequestId, expires_at: Number(m.expiresAt), expires_in: m.expiresIn, passwordless_type: PasswordlessType[m.passwordlessType] };
}
