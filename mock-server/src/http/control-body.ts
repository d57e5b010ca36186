import type { Context, MiddlewareHandler } from "hono";
import { BodyError, isJsonType, readJson } from "./body.js";
import { ControlError } from "../services/control-error.js";
import { controlError } from "./errors.js";

const READS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * A control call that carries a body carries JSON, on every route: also on
 * those that never read it (`POST /reset`, the DELETEs), so a form or a
 * `text/plain` body a page of another site can send without asking is
 * refused before it changes anything.
 */
export const jsonBodiesOnly: MiddlewareHandler = async (c, next) => {
  if (READS.has(c.req.method)) return next();
  const type = c.req.header("content-type");
  const length = c.req.header("content-length");
  const hasBody = (length !== undefined && !/^0+$/.test(length)) || c.req.header("transfer-encoding") !== undefined;
  if (type !== undefined ? !isJsonType(type) : hasBody) {
    const got = type === undefined ? "a body without a Content-Type" : "another Content-Type";
    return controlError(c, new ControlError(415, "INVALID_ARGUMENT", `a control API body must be application/json; got ${got}`));
  }
  return next();
};

/** A control API body: JSON (or empty, read as `{}`); 415 / 400 otherwise. */
export async function readControlJson(c: Context): Promise<unknown> {
  try {
    return await readJson(c, { emptyAs: {} });
  } catch (error) {
    if (error instanceof BodyError) throw new ControlError(error.problem === "content-type" ? 415 : 400, "INVALID_ARGUMENT", error.message);
    throw error;
  }
}
