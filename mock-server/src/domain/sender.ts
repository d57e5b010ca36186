import { z } from "zod";
import { isEmailAddress } from "./validation.js";

/** The sender of an email: an address, and the name shown with it. */
export interface Sender {
  /** The display name, unquoted; absent for a bare address. */
  name?: string;
  address: string;
}

/** Characters a header line cannot hold: C0 controls (CR, LF, NUL, tab…), DEL and Unicode's line breaks. */
const CONTROL = /[\x00-\x1f\x7f\u0085\u2028\u2029]/;
const NAME_AND_ADDRESS = /^(.*?)\s*<([^<>\s]+)>$/s;
const QUOTED = /^"((?:[^"\\]|\\.)*)"$/s;

/**
 * Reads `Display Name <address>`, `"Quoted, Name" <address>` or a bare
 * address; undefined when it is none of these or the address is not one a
 * send would accept.
 */
export function parseSender(text: string): Sender | undefined {
  if (CONTROL.test(text)) return undefined;
  const trimmed = text.trim();
  const match = NAME_AND_ADDRESS.exec(trimmed);
  if (match === null) return isEmailAddress(trimmed) ? { address: trimmed } : undefined;
  const address = match[2]!;
  if (!isEmailAddress(address)) return undefined;
  let name = match[1]!;
  const quoted = QUOTED.exec(name);
  if (quoted !== null) name = quoted[1]!.replace(/\\(.)/gs, "$1");
  else if (/["<>]/.test(name)) return undefined;
  return name === "" ? { address } : { name, address };
}

/**
 * The `from` of templates (a folder's manifest, `createMockScalekit({ templates })`,
 * the config file) and of every email in a snapshot: one From header, so a valid
 * address and no control characters.
 */
export const senderSchema = z
  .string()
  .min(3)
  .max(300)
  .regex(/^[^\x00-\x1f\x7f\u0085\u2028\u2029]*$/, "expected no control characters such as CR or LF: it is the From header")
  .superRefine((text, ctx) => {
    // Control characters are the regex's to report.
    if (!CONTROL.test(text) && parseSender(text) === undefined) {
      ctx.addIssue({
        code: "custom",
        message: 'expected a sender such as "Acme <no-reply@acme.test>" or "no-reply@acme.test": a valid email address, with an optional display name (it is the From header)',
      });
    }
  });
