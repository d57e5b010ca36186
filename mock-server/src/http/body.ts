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

/**
 * Reads a JSON request body. An empty body reads as `{}` when `emptyAs` is
 * given; a body that is not `application/json` or not valid JSON throws.
 */
export async function readJson(c: Context, options: { emptyAs?: unknown } = {}): Promise<unknown> {
  const text = await c.req.text();
  if (text.trim() === "" && "emptyAs" in options) return options.emptyAs;
  const type = c.req.header("content-type") ?? "";
  if (!/^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i.test(type)) {
    throw new BodyError("content-type", `Content-Type must be application/json, got ${type ? quote(type) : "none"}`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new BodyError("json", `request body is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
}
