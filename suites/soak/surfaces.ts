import { ConnectError, createClient, type Client } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { PasswordlessService } from "../../mock-server/src/grpc/gen/scalekit/v1/auth/passwordless_pb.js";
import { ErrorInfoSchema } from "../../mock-server/src/grpc/gen/scalekit/v1/errdetails/errdetails_pb.js";

/**
 * The soak's clients of the three surfaces (Scalekit REST, Scalekit gRPC,
 * control API), each classifying what came back: an answer, an error the
 * mock made, an error a fault rule injected (its code starts with
 * `CHAOS_`), a dropped connection, or something that must never happen
 * (recorded as a problem).
 */

export const CHAOS_PREFIX = "CHAOS_";

/** A small seeded generator (mulberry32): the soak's choices repeat with the seed, its timing does not. */
export function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  return {
    next,
    int: (n: number) => Math.floor(next() * n),
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!,
    chance: (p: number) => next() < p,
  };
}
export type Prng = ReturnType<typeof prng>;

export class Tally {
  readonly requests = { rest: 0, grpc: 0, control: 0, token: 0 };
  /** Answers carrying an injected error code, by HTTP status class or gRPC code. */
  readonly injected = { serverErrors: 0, clientErrors: 0 };
  /** Calls whose connection (HTTP/1.1) or stream (HTTP/2) was cut. */
  readonly drops = { rest: 0, grpc: 0, token: 0 };
  readonly problems: string[] = [];
  problem(message: string): void {
    if (this.problems.length < 40) this.problems.push(message);
  }
}

export type ApiResult = { kind: "ok"; body: any } | { kind: "error"; grpc: number; errorCode: string | undefined; http?: number } | { kind: "dropped" };

/** gRPC codes that mean the server failed: only an injected fault may answer them. */
const SERVER_FAILURE = new Set([2, 4, 13, 14, 15]);

export class Surfaces {
  readonly #grpc: Client<typeof PasswordlessService>;

  constructor(
    readonly url: string,
    readonly tally: Tally,
  ) {
    this.#grpc = createClient(PasswordlessService, createGrpcTransport({ baseUrl: url }));
  }

  /** Counts an injected error; a server error without an injected code is a problem. */
  #classify(code: string | undefined, serverError: boolean, what: string): void {
    if (isInjected(code)) this.tally.injected[serverError ? "serverErrors" : "clientErrors"]++;
    else if (serverError) this.tally.problem(`${what}: a server error that no fault injected (${code ?? "no error code"})`);
  }

  /** POST /oauth/token; undefined when a fault got in the way. */
  async token(clientId: string, clientSecret: string): Promise<string | undefined> {
    this.tally.requests.token++;
    try {
      const response = await fetch(`${this.url}/oauth/token`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ grant_type: "client_credentials", client_id: clientId, client_secret: clientSecret }),
        signal: AbortSignal.timeout(15_000),
      });
      const body = (await response.json()) as any;
      if (response.status === 200) return body.access_token;
      // With the right credentials, only a fault can refuse a token.
      const code = body.details?.[0]?.error_code;
      if (isInjected(code)) this.#classify(code, response.status >= 500, "token");
      else this.tally.problem(`token ${clientId}: HTTP ${response.status} ${JSON.stringify(body).slice(0, 200)}`);
      return undefined;
    } catch (error) {
      if (isTimeout(error)) this.tally.problem(`token ${clientId}: no answer within 15 s`);
      this.tally.drops.token++;
      return undefined;
    }
  }

  async rest(operation: "send" | "resend" | "verify", token: string, body: Record<string, unknown>): Promise<ApiResult> {
    this.tally.requests.rest++;
    try {
      const response = await fetch(`${this.url}/api/v1/passwordless/email/${operation}`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(15_000),
      });
      const json = (await response.json()) as any;
      if (response.status === 200) return { kind: "ok", body: json };
      const errorCode = json.details?.[0]?.error_code;
      this.#classify(errorCode, response.status >= 500, `REST ${operation}: HTTP ${response.status}`);
      return { kind: "error", grpc: json.code, errorCode, http: response.status };
    } catch (error) {
      if (isTimeout(error)) this.tally.problem(`REST ${operation}: no answer within 15 s`);
      this.tally.drops.rest++;
      return { kind: "dropped" };
    }
  }

  async grpc(operation: "send" | "resend" | "verify", token: string, request: any): Promise<ApiResult> {
    this.tally.requests.grpc++;
    const options = { headers: { authorization: `Bearer ${token}` }, timeoutMs: 15_000 };
    try {
      const m: any =
        operation === "send"
          ? await this.#grpc.sendPasswordlessEmail(request, options)
          : operation === "resend"
            ? await this.#grpc.resendPasswordlessEmail(request, options)
            : await this.#grpc.verifyPasswordlessEmail(request, options);
      return { kind: "ok", body: m };
    } catch (error) {
      const e = ConnectError.from(error);
      const errorCode = e.findDetails(ErrorInfoSchema)[0]?.errorCode;
      // A refused stream (a drop fault) comes without the mock's ErrorInfo; the journal confirms each one.
      if (errorCode === undefined) {
        if (e.code === 4) this.tally.problem(`gRPC ${operation}: no answer within 15 s`);
        this.tally.drops.grpc++;
        return { kind: "dropped" };
      }
      this.#classify(errorCode, SERVER_FAILURE.has(e.code), `gRPC ${operation}: code ${e.code}`);
      return { kind: "error", grpc: e.code, errorCode };
    }
  }

  /** The control API; a 5xx or a lost answer here is always a problem. */
  async control(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
    this.tally.requests.control++;
    try {
      const response = await fetch(`${this.url}/_mock/v1${path}`, {
        method,
        ...(body !== undefined && { body: JSON.stringify(body), headers: { "content-type": "application/json" } }),
        signal: AbortSignal.timeout(15_000),
      });
      const text = await response.text();
      if (response.status >= 500) this.tally.problem(`control ${method} ${path}: HTTP ${response.status} ${text.slice(0, 200)}`);
      const json = (response.headers.get("content-type") ?? "").includes("json");
      return { status: response.status, body: json && text !== "" ? JSON.parse(text) : text };
    } catch (error) {
      this.tally.problem(`control ${method} ${path}: ${error instanceof Error ? error.message : String(error)}`);
      return { status: 0, body: undefined };
    }
  }
}

/** Error codes only fault rules produce: ours, and the rate limit's. */
export function isInjected(code: string | undefined): boolean {
  return code !== undefined && (code.startsWith(CHAOS_PREFIX) || code === "RATE_LIMITED");
}

function isTimeout(error: unknown): boolean {
  return error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError");
}
