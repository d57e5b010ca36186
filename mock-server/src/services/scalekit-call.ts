import type { JWK } from "jose";
import type { Verification } from "../domain/auth-request.js";
import { factsOf, type InvalidCommand, type ScalekitCommand } from "../domain/commands.js";
import { grpcCodeOfHttp, ScalekitError } from "../domain/errors.js";
import type { Operation, Transport } from "../domain/operations.js";
import type { Environment } from "../state/environment.js";
import type { EnvironmentStore } from "../state/environments.js";
import { applyFaults, DropConnection, endOf, finishCall, identify, rateLimitRefusal, startCall, type Call, type PlanMail } from "./call-stages.js";
import type { PasswordlessService, SendResult } from "./passwordless.js";
import { secretsEqual, type TokenResponse, type TokenService } from "./tokens.js";

/** A Scalekit API call as a transport hands it over: how to decode it, and how to encode its result. */
export interface ScalekitCallRequest<C extends ScalekitCommand, R> {
  transport: Transport;
  /** The `authorization` header or metadata entry, as sent. */
  authorization: string | undefined;
  /** Every request header, for the journal (secrets are redacted there). */
  headers: Iterable<[string, string]>;
  /**
   * Turns the wire message into a command. Runs first, before
   * authentication (grpc-gateway decodes the body before the call reaches
   * the service); a ScalekitError it throws is the call's answer.
   */
  decode: () => C | InvalidCommand | Promise<C | InvalidCommand>;
  /** The operation, for the journal and fault rules; the transport knows it from the route or method. */
  operation: Operation;
  /** Turns the result into the transport's answer; runs before the call is journaled as ok, so a failure here is journaled too. */
  encode: (result: ResultOf<C>) => R;
}

export type ResultOf<C extends ScalekitCommand> = C["kind"] extends "send" | "resend" ? SendResult : Verification;

/** How a call ends: a result to encode, a Scalekit error to translate once, or a connection to cut. */
export type ScalekitCallOutcome<T> = { kind: "ok"; value: T } | { kind: "error"; error: ScalekitError } | { kind: "drop"; faultId: string };

/** An OAuth or JWKS call under way: the route speaks OAuth's wire format, the stages are the same as for any call. */
export interface TrackedCall {
  /** Names the call's environment by OAuth client id; false when no environment has that client id. */
  forClient(clientId: string): boolean;
  /** Counts the request against its environment's rate limit: the refusal when over it (answer it in the route's format), undefined otherwise. */
  rateLimit(): ScalekitError | undefined;
  /** Applies the environment's fault rules (they throw a ScalekitError or drop the connection). */
  faults(): Promise<void>;
  /** A token for the named client when `clientSecret` is its secret; undefined otherwise. */
  issueToken(clientSecret: string): Promise<TokenResponse | undefined>;
  /** The JWKS of the token signing key. */
  jwks(): Promise<{ keys: JWK[] }>;
  /** How the call ended when it answered an error without throwing (an OAuth error name). */
  outcome?: string;
}

/**
 * The one path of every Scalekit API call, whatever its transport:
 * decode → authenticate → environment → rate limit → faults → service → journal (and the
 * events the service publishes). REST and gRPC only decode and encode.
 */
export class ScalekitCalls {
  readonly #environments: EnvironmentStore;
  readonly #passwordless: PasswordlessService;
  readonly #tokens: TokenService;

  constructor(environments: EnvironmentStore, passwordless: PasswordlessService, tokens: TokenService) {
    this.#environments = environments;
    this.#passwordless = passwordless;
    this.#tokens = tokens;
  }

  /**
   * Runs a PasswordlessService call. Resolves with the outcome; rejects only
   * with what is not a Scalekit error (a bug, or a client gone mid-body), after
   * journaling it.
   */
  async call<C extends ScalekitCommand, R>(request: ScalekitCallRequest<C, R>): Promise<ScalekitCallOutcome<R>> {
    const call = startCall(request.transport, request.operation, request.headers);
    try {
      // Deviation D28: the body is decoded first, then the token, then the field rules
      const command = await request.decode();
      const env = await this.#tokens.authenticate(request.authorization, (id) => this.#environments.get(id));
      identify(call, env, factsOf(command));
      const refusal = rateLimitRefusal(call, env);
      if (refusal !== undefined) throw refusal;
      const mail = await applyFaults(call, env);
      if (command.kind === "invalid") throw command.error;
      const value = request.encode(this.#run(env, command, mail) as ResultOf<C>);
      finishCall(call, { grpcCode: "OK", outcome: "ok", ...(call.transport === "rest" && { httpStatus: 200 }) }, this.#environments.default);
      return { kind: "ok", value };
    } catch (error) {
      finishCall(call, endOf(error, call.transport), this.#environments.default);
      if (error instanceof ScalekitError) return { kind: "error", error };
      if (error instanceof DropConnection) return { kind: "drop", faultId: error.faultId };
      throw error;
    }
  }

  #run(env: Environment, command: ScalekitCommand, mail: PlanMail): SendResult | Verification {
    switch (command.kind) {
      case "send":
        return this.#passwordless.send(env, command, mail);
      case "resend":
        return this.#passwordless.resend(env, command, mail);
      case "verifyCode":
      case "verifyLink":
        return this.#passwordless.verify(env, command);
    }
  }

  /**
   * Runs an OAuth token or JWKS call through the same stages. `run` answers
   * in its own wire format; its status goes to the journal. A ScalekitError
   * or a drop it throws is journaled and passed on.
   */
  async track<T extends { status: number }>(
    transport: Transport,
    operation: Operation,
    headers: Iterable<[string, string]>,
    run: (call: TrackedCall) => Promise<T>,
  ): Promise<T> {
    const call: Call = startCall(transport, operation, headers);
    const tracked: TrackedCall = {
      forClient: (clientId) => {
        const env = this.#environments.byClientId(clientId);
        if (env !== undefined) call.env = env;
        return env !== undefined;
      },
      rateLimit: () => (call.env === undefined ? undefined : rateLimitRefusal(call, call.env)),
      faults: async () => {
        await applyFaults(call, call.env ?? this.#environments.default);
      },
      issueToken: async (clientSecret) => {
        const env = call.env;
        if (env === undefined || !secretsEqual(clientSecret, env.clientSecret)) return undefined;
        return this.#tokens.issue(env);
      },
      jwks: () => this.#tokens.jwks(),
    };
    try {
      const answer = await run(tracked);
      const ok = answer.status < 400;
      const end = { grpcCode: ok ? "OK" : grpcCodeOfHttp(answer.status), outcome: ok ? "ok" : (tracked.outcome ?? `HTTP_${answer.status}`), httpStatus: answer.status } as const;
      finishCall(call, end, this.#environments.default);
      return answer;
    } catch (error) {
      finishCall(call, endOf(error, transport), this.#environments.default);
      throw error;
    }
  }
}

export { DropConnection };
