import type { Context } from "hono";
import { quote } from "../domain/preview.js";

export type BodyProblem = "content-type" | "json";

export class BodyError extends Error {
  readonly problem: BodyProblem;
  constructor(problem: BodyProblem, message: string) {
    super(message);
    this.problem = problem;
  }
}

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;

/** Whether a Content-Type names JSON (`application/json`, `application/*+json`, with parameters). */
export const isJsonType = (type: string): boolean => JSON_TYPE.test(type);

/** The client left before its body arrived: nothing broke, and no one will read an answer. */
export class ClientGone extends Error {
  constructor() {
    super("the client closed the request before its body arrived");
  }
}

/** The request body as text; a body cut short by a client that left is ClientGone, not a failure of the mock. */
export async function readText(c: Context): Promise<string> {
  try {
    return await c.req.text();
  } catch (error) {
    if (c.req.raw.signal.aborted) throw new ClientGone();
    throw error;
  }
}

/**
 * Reads a JSON request body. A body must come as `application/json`; a
 * request that names another content type is refused even when its body is
 * empty (an empty `text/plain` form is how a page of another site would
 * call). With `emptyAs`, an empty body without a content type (curl -X POST)
 * reads as that value.
 */
export async function readJson(c: Context, options: { emptyAs?: unknown } = {}): Promise<unknown> {
  const type = c.req.header("content-type");
  const refuseType = () => new BodyError("content-type", `Content-Type must be application/json, got ${type ? quote(type) : "none"}`);
  // Deviation D16: a body must be sent as application/json
  if (type !== undefined && !JSON_TYPE.test(type)) throw refuseType();
  const text = await readText(c);
  if (text.trim() === "" && "emptyAs" in options) return options.emptyAs;
  if (type === undefined) throw refuseType();
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new BodyError("json", `request body is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
}
