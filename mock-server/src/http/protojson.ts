import { ERROR_CODES, ScalekitError } from "../domain/errors.js";
import { describeValue, quote } from "../domain/preview.js";
import type { FieldDescription } from "../domain/messages.js";
import { templateVariables } from "../domain/validation.js";

/**
 * Decodes a JSON request body the way grpc-gateway's protojson does for the
 * passwordless messages: both snake_case and lowerCamelCase names, `null` as
 * unset, numbers as JSON numbers or strings, enums by name or number, and
 * unknown fields ignored (grpc-gateway's default, DiscardUnknown).
 */

type Decoded = string | number | Record<string, string>;

function badField(message: string, field?: string): ScalekitError {
  return new ScalekitError("InvalidArgument", ERROR_CODES.invalidArgument, `invalid request body: ${message}`, field ? { field } : {});
}

const UINT32 = { name: "uint32", min: 0, max: 0xffffffff };
const INT32 = { name: "int32", min: -0x80000000, max: 0x7fffffff };

/** Why a number is not an integer of the type, or undefined when it is one. */
function integerProblem(n: number, type: typeof UINT32): string | undefined {
  // JSON.parse reads 1e400 as Infinity: say so rather than print the null JSON.stringify makes of it.
  if (!Number.isFinite(n)) return `a number too ${n > 0 ? "large" : "small"} for ${type.name} (it reads as ${n})`;
  if (!Number.isInteger(n)) return `${n} is not a whole number`;
  if (n < type.min) return type.min === 0 ? `${n} is negative` : `${n} is too small for ${type.name}`;
  if (n > type.max) return `${n} is too large for ${type.name}`;
  return undefined;
}

function decodeValue(field: FieldDescription, value: unknown): Decoded {
  switch (field.kind.type) {
    case "string":
      if (typeof value !== "string") throw badField(`invalid value for string field ${field.name}: ${describeValue(value)}`, field.name);
      return value;
    case "int64":
      throw new Error(`int64 request fields are not decoded (field ${field.name})`);
    case "uint32": {
      // protojson takes a uint32 as a JSON number or a string of digits.
      const n = typeof value === "string" && /^\d+$/.test(value.trim()) ? Number(value) : value;
      const problem = typeof n === "number" ? integerProblem(n, UINT32) : `${describeValue(value)} is not a number`;
      if (problem !== undefined) {
        throw badField(`invalid value for uint32 field ${field.name}: ${problem}; give a whole number from 0 to ${UINT32.max}`, field.name);
      }
      return n as number;
    }
    case "enum": {
      if (typeof value === "string" && field.kind.values.includes(value)) return value;
      const problem = typeof value === "number" ? integerProblem(value, INT32) : describeValue(value);
      if (problem === undefined) return field.kind.values[value as number] ?? (value as number);
      throw badField(`invalid value for enum field ${field.name}: ${problem} (expected one of ${field.kind.values.join(", ")}, or its number)`, field.name);
    }
    case "map": {
      if (typeof value !== "object" || value === null || Array.isArray(value)) {
        throw badField(`invalid value for map field ${field.name}: ${describeValue(value)}; expected an object of strings`, field.name);
      }
      // JSON.parse makes "__proto__" an own key; a plain object would drop it on assignment.
      const entries = Object.entries(value);
      for (const [key, entry] of entries) {
        if (typeof entry !== "string") throw badField(`invalid value for map field ${field.name}[${quote(key)}]: ${describeValue(entry)} is not a string`, field.name);
      }
      return templateVariables(entries as Array<[string, string]>);
    }
  }
}

export interface DecodedMessage {
  /** Set fields by their lowerCamelCase names (the command's property names). */
  fields: Record<string, Decoded>;
  /** Names in the body that are not fields of the message: ignored, as grpc-gateway does. */
  ignored: string[];
}

// Deviation D17: bodies nested deeper than protojson's limit are refused
/** protojson's default recursion limit, which grpc-gateway keeps: deeper bodies are refused even in fields it ignores. */
const MAX_JSON_DEPTH = 10_000;

/** How deep objects and arrays nest in a parsed JSON value, counted without recursion; stops once past `limit`. */
function depthOf(value: unknown, limit: number): number {
  let deepest = 0;
  const pending: Array<[unknown, number]> = [[value, 1]];
  while (pending.length > 0) {
    const [node, depth] = pending.pop()!;
    if (typeof node !== "object" || node === null) continue;
    deepest = Math.max(deepest, depth);
    if (deepest > limit) return deepest;
    for (const child of Object.values(node)) if (typeof child === "object" && child !== null) pending.push([child, depth + 1]);
  }
  return deepest;
}

/** Each message's fields by both JSON names, built once per message description. */
const fieldNames = new WeakMap<readonly FieldDescription[], Map<string, FieldDescription>>();

function namesOf(fields: readonly FieldDescription[]): Map<string, FieldDescription> {
  let names = fieldNames.get(fields);
  if (names === undefined) {
    names = new Map();
    for (const field of fields) {
      names.set(field.name, field);
      names.set(field.camel, field);
    }
    fieldNames.set(fields, names);
  }
  return names;
}

export function decodeMessage(body: unknown, fields: readonly FieldDescription[]): DecodedMessage {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw badField("expected a JSON object");
  }
  if (depthOf(body, MAX_JSON_DEPTH) > MAX_JSON_DEPTH) throw badField(`the body nests objects and arrays deeper than ${MAX_JSON_DEPTH} levels`);
  const byJsonName = namesOf(fields);
  const out: Record<string, Decoded> = {};
  const ignored: string[] = [];
  for (const [key, value] of Object.entries(body)) {
    const field = byJsonName.get(key);
    if (field === undefined) {
      // Deviation D15: unknown fields are ignored and reported
      ignored.push(key);
      continue;
    }
    if (value === null) continue;
    if (field.camel in out) throw badField(`field ${field.name} is set twice (as ${field.name} and ${field.camel})`, field.name);
    out[field.camel] = decodeValue(field, value);
  }
  return { fields: out, ignored };
}

/**
 * A response message in protobuf JSON, from values keyed by lowerCamelCase
 * names: proto names, int64 as a string of digits, enums by name, unset
 * optional fields left out.
 */
export function encodeMessage(fields: readonly FieldDescription[], values: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of fields) {
    const value = values[field.camel];
    if (value === undefined) continue;
    out[field.name] = field.kind.type === "int64" ? String(value) : value;
  }
  return out;
}
