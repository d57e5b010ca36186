import { z } from "zod";

/**
 * Ids a client chooses (environments, fault rules) end up as path segments of
 * control URLs, so they must reach the server as written: no character that
 * needs percent-encoding, and no dot segment ("." or "..") that a URL parser
 * would resolve away (`/environments/../reset` is `/reset`, the default
 * environment). Starting with a letter or digit rules dot segments out.
 */
export const CHOSEN_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

export const CHOSEN_ID_RULE = "1–64 letters, digits, '_', '.' or '-', starting with a letter or digit";

export const chosenId = z.string().regex(CHOSEN_ID_PATTERN, CHOSEN_ID_RULE);

/** Why `id` cannot be a chosen id, or undefined when it can. */
export function chosenIdProblem(what: string, id: string): string | undefined {
  return CHOSEN_ID_PATTERN.test(id) ? undefined : `${what} id ${JSON.stringify(id)} is not valid: use ${CHOSEN_ID_RULE}`;
}
