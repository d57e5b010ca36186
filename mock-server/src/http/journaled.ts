import type { Context } from "hono";
import { ScalekitError } from "../domain/errors.js";
import { grpcCodeOfHttp } from "../faults/rules.js";
import { Calls, type Call } from "../services/calls.js";
import type { Operation } from "../domain/operations.js";
import type { HttpDeps } from "./deps.js";
import { httpStatusOf } from "./errors.js";

/**
 * Wraps a REST handler of a Scalekit operation: the call is journaled however
 * it ends; errors still propagate to the app's error handler.
 */
export function journaled(deps: Pick<HttpDeps, "calls">, operation: Operation, run: (c: Context, call: Call) => Promise<Response>) {
  return async (c: Context): Promise<Response> => {
    const call = deps.calls.start("rest", operation, c.req.raw.headers.entries());
    try {
      const response = await run(c, call);
      const ok = response.status < 400;
      deps.calls.finish(call, {
        grpcCode: ok ? "OK" : grpcCodeOfHttp(response.status),
        outcome: ok ? "ok" : (call.outcome ?? `HTTP_${response.status}`),
        httpStatus: response.status,
      });
      return response;
    } catch (error) {
      deps.calls.finish(call, { ...Calls.endOf(error), ...(error instanceof ScalekitError && { httpStatus: httpStatusOf(error) }) });
      throw error;
    }
  };
}
