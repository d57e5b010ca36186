import { ScalarType, type DescEnum, type DescField, type DescFile, type DescMessage } from "@bufbuild/protobuf";

/**
 * Compares two descriptors of the same proto file on everything that decides
 * wire compatibility: messages, field names, numbers, types, cardinality,
 * oneofs, enums and services. Options (validation, HTTP bindings) are not
 * compared.
 */

type Facts = Map<string, Record<string, string>>;

function typeOf(field: DescField): string {
  switch (field.fieldKind) {
    case "scalar":
      return ScalarType[field.scalar].toLowerCase();
    case "enum":
      return `enum ${field.enum.typeName}`;
    case "message":
      return `message ${field.message.typeName}`;
    case "list":
      return `repeated ${field.listKind === "scalar" ? ScalarType[field.scalar].toLowerCase() : field.listKind === "enum" ? field.enum.typeName : field.message.typeName}`;
    case "map": {
      const value = field.mapKind === "scalar" ? ScalarType[field.scalar].toLowerCase() : field.mapKind === "enum" ? field.enum.typeName : field.message.typeName;
      return `map<${ScalarType[field.mapKey].toLowerCase()}, ${value}>`;
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

export function describeFile(file: DescFile, options: { ignoreServices?: string[] } = {}): Facts {
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
export function compareFiles(ours: DescFile, theirs: DescFile, options: { theirName?: string; ignoreServices?: string[] } = {}): string[] {
  const them = options.theirName ?? "SDK";
  const a = describeFile(ours, options);
  const b = describeFile(theirs, options);
  const diffs: string[] = [];
  for (const [key, facts] of b) {
    const mine = a.get(key);
    if (mine === undefined) {
      diffs.push(`${key}: missing in ours (in ${them}: ${Object.entries(facts).map(([k, v]) => `${k} ${v}`).join(", ")})`);
      continue;
    }
    for (const [prop, value] of Object.entries(facts)) {
      if (mine[prop] !== value) diffs.push(`${key}: ${prop} ${mine[prop]} in ours, ${value} in ${them}`);
    }
  }
  for (const key of a.keys()) if (!b.has(key)) diffs.push(`${key}: only in ours, not in ${them}`);
  return diffs;
}
