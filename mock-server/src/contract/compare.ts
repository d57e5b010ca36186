import { ScalarType, type DescEnum, type DescField, type DescFile, type DescMessage } from "@bufbuild/protobuf";

/**
 * Compares two descriptions of the same proto file on everything that decides
 * wire compatibility: messages, field names, numbers, types, cardinality,
 * oneofs, enums and services. Options (validation, HTTP bindings) are not
 * compared. Each description is first reduced to "facts" (one record per
 * message, field, enum, value, service and method, keyed by its name inside
 * the package), so descriptors of any origin compare alike: a protobuf-es v2
 * file descriptor here, the classes of a protobuf-es v1 SDK in `facts-v1.ts`.
 */

export type Facts = Map<string, Record<string, string>>;

export interface DescribeOptions {
  /** Services left out of the comparison, by name (e.g. the SDK's `Dummy`). */
  ignoreServices?: readonly string[];
}

/** The words a field's type is written in, e.g. `string`, `enum a.B`, `repeated a.C`, `map<string, string>`. */
export const typeWords = {
  scalar: (scalar: number) => (ScalarType[scalar] ?? `scalar#${scalar}`).toLowerCase(),
  enum: (typeName: string) => `enum ${typeName}`,
  message: (typeName: string) => `message ${typeName}`,
  repeated: (element: string) => `repeated ${element}`,
  map: (key: number, value: string) => `map<${typeWords.scalar(key)}, ${value}>`,
};

function typeOf(field: DescField): string {
  switch (field.fieldKind) {
    case "scalar":
      return typeWords.scalar(field.scalar);
    case "enum":
      return typeWords.enum(field.enum.typeName);
    case "message":
      return typeWords.message(field.message.typeName);
    case "list":
      return typeWords.repeated(field.listKind === "scalar" ? typeWords.scalar(field.scalar) : field.listKind === "enum" ? field.enum.typeName : field.message.typeName);
    case "map": {
      const value = field.mapKind === "scalar" ? typeWords.scalar(field.scalar) : field.mapKind === "enum" ? field.enum.typeName : field.message.typeName;
      return typeWords.map(field.mapKey, value);
    }
  }
}

function addMessage(facts: Facts, message: DescMessage, prefix: string): void {
  const name = prefix + message.name;
  facts.set(name, { kind: "message", oneofs: message.oneofs.map((o) => o.name).join(",") || "(none)" });
  for (const field of message.fields) {
    facts.set(`${name}.${field.name}`, {
      number: String(field.number),
      type: typeOf(field),
      optional: String(field.proto.proto3Optional === true),
      oneof: field.oneof?.name ?? "(none)",
      json_name: field.jsonName,
    });
  }
  for (const nested of message.nestedMessages) {
    // Map entries are described by their map field.
    if (nested.proto.options?.mapEntry) continue;
    addMessage(facts, nested, `${name}.`);
  }
  for (const nested of message.nestedEnums) addEnum(facts, nested, `${name}.`);
}

function addEnum(facts: Facts, desc: DescEnum, prefix: string): void {
  const name = prefix + desc.name;
  facts.set(name, { kind: "enum" });
  for (const value of desc.values) facts.set(`${name}.${value.name}`, { number: String(value.number) });
}

/** The facts of a protobuf-es v2 file descriptor (ours, generated or compiled; an SDK's from 2.2 on). */
export function describeFile(file: DescFile, options: DescribeOptions = {}): Facts {
  const facts: Facts = new Map();
  facts.set("(file)", { package: file.proto.package, syntax: file.proto.syntax || "proto2" });
  for (const message of file.messages) addMessage(facts, message, "");
  for (const desc of file.enums) addEnum(facts, desc, "");
  for (const service of file.services) {
    if (options.ignoreServices?.includes(service.name)) continue;
    facts.set(service.name, { kind: "service", type_name: service.typeName });
    for (const method of service.methods) {
      facts.set(`${service.name}.${method.name}`, {
        input: method.input.typeName,
        output: method.output.typeName,
        kind: method.methodKind,
      });
    }
  }
  return facts;
}

/** One line per difference, e.g. `SendPasswordlessRequest.expires_in: number 6 in ours, 5 in SDK`. */
export function compareFacts(ours: Facts, theirs: Facts, options: { theirName?: string } = {}): string[] {
  const them = options.theirName ?? "SDK";
  const diffs: string[] = [];
  for (const [key, facts] of theirs) {
    const mine = ours.get(key);
    if (mine === undefined) {
      diffs.push(`${key}: missing in ours (in ${them}: ${Object.entries(facts).map(([k, v]) => `${k} ${v}`).join(", ")})`);
      continue;
    }
    for (const [prop, value] of Object.entries(facts)) {
      if (mine[prop] !== value) diffs.push(`${key}: ${prop} ${mine[prop]} in ours, ${value} in ${them}`);
    }
  }
  for (const key of ours.keys()) if (!theirs.has(key)) diffs.push(`${key}: only in ours, not in ${them}`);
  return diffs;
}

/** Compares two file descriptors; see compareFacts for the words. */
export function compareFiles(ours: DescFile, theirs: DescFile, options: { theirName?: string } & DescribeOptions = {}): string[] {
  return compareFacts(describeFile(ours, options), describeFile(theirs, options), options);
}
