import { ERROR_CODES, ScalekitError } from "../domain/errors.js";

/**
 * Decodes a JSON request body the way grpc-gateway's protojson does for the
 * passwordless messages: both snake_case and lowerCamelCase names, `null` as
 * unset, numbers as JSON numbers or strings, enums by name or number, and
 * unknown fields ignored (grpc-gateway's default, DiscardUnknown).
 */

type FieldKind = { type: "string" } | { type: "uint32" } | { type: "enum"; values: readonly string[] } | { type: "map" };

export interface FieldSpec {
  name: string;
  kind: FieldKind;
}

type Decoded = string | number | Record<string, string>;

function badField(message: string, field?: string): ScalekitError {
  return new ScalekitError("InvalidArgument", ERROR_CODES.invalidArgument, `invalid request body: ${message}`, field ? { field } : {});
}

function camel(name: string): string {
  return name.replace(/_([a-z])/g, (_, ch: string) => ch.toUpperCase());
}

function decodeValue(field: FieldSpec, value: unknown): Decoded {
  const shown = JSON.stringify(value);
  switch (field.kind.type) {
    case "string":
      if (typeof value !== "string") throw badField(`invalid value for string field ${field.name}: ${shown}`, field.name);
      return value;
    case "uint32": {
      const n = typeof value === "string" && /^\d+$/.test(value.trim()) ? Number(value) : value;
      if (typeof n !== "number" || !Number.isInteger(n) || n < 0 || n > 0xffffffff) {
        throw badField(`invalid value for uint32 field ${field.name}: ${shown}`, field.name);
      }
      return n;
    }
    case "enum": {
      if (typeof value === "string" && field.kind.values.includes(value)) return value;
      if (typeof value === "number" && Number.isInteger(value) && value >= -0x80000000 && value <= 0x7fffffff) {
        return field.kind.values[value] ?? value;
      }
      throw badField(`invalid value for enum field ${field.name}: ${shown} (expected one of ${field.kind.values.join(", ")})`, field.name);
    }
    case "map": {
      if (typeof value !== "object" || value === null || Array.isArray(value)) {
        throw badField(`invalid value for map field ${field.name}: expected an object of strings`, field.name);
      }
      const out: Record<string, string> = {};
      for (const [key, entry] of Object.entries(value)) {
        if (typeof entry !== "string") throw badField(`invalid value for map field ${field.name}[${JSON.stringify(key)}]: ${JSON.stringify(entry)} is not a string`, field.name);
        out[key] = entry;
      }
      return out;
    }
  }
}

export interface DecodedMessage {
  /** Set fields by their proto (snake_case) names. */
  fields: Record<string, Decoded>;
  /** Names in the body that are not fields of the message: ignored, as grpc-gateway does. */
  ignored: string[];
}

export function decodeMessage(body: unknown, fields: readonly FieldSpec[]): DecodedMessage {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw badField("expected a JSON object");
  }
  const byJsonName = new Map<string, FieldSpec>();
  for (const field of fields) {
    byJsonName.set(field.name, field);
    byJsonName.set(camel(field.name), field);
  }
  const out: Record<string, Decoded> = {};
  const ignored: string[] = [];
  for (const [key, value] of Object.entries(body)) {
    const field = byJsonName.get(key);
    if (field === undefined) {
      ignored.push(key);
      continue;
    }
    if (value === null) continue;
    if (field.name in out) throw badField(`field ${field.name} is set twice (as ${field.name} and ${camel(field.name)})`, field.name);
    out[field.name] = decodeValue(field, value);
  }
  return { fields: out, ignored };
}
