import type { Context } from "hono";
import { BodyError, readJson } from "./body.js";
import { ControlError } from "./errors.js";

/** A control API body: JSON (or empty, read as `{}`); 415 / 400 otherwise. */
export async function readControlJson(c: Context): Promise<unknown> {
  try {
    return await readJson(c, { emptyAs: {} });
  } catch (error) {
    if (error instanceof BodyError) throw new ControlError(error.problem === "content-type" ? 415 : 400, "INVALID_ARGUMENT", error.message);
    throw error;
  }
}
