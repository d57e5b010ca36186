import { typeWords, type DescribeOptions, type Facts } from "./compare.js";

/**
 * The facts of a proto file as a protobuf-es v1 SDK (@scalekit-sdk/node
 * 2.1.x) carries it. v1 embeds no file descriptor: each message is a class
 * with a static `typeName` and `fields`, each enum an object whose enum type
 * sits under a Symbol, and the services live in a separate `*_connect.js`
 * module. Reduced here to the same facts `describeFile` reads from a v2
 * descriptor, so that one proto compiled by either generation compares equal.
 */

interface V1Named {
  typeName: string;
}

interface V1Field {
  no: number;
  name: string;
  kind: "scalar" | "enum" | "message" | "map";
  T?: number | V1Named;
  K?: number;
  V?: { kind: "scalar" | "enum" | "message"; T: number | V1Named };
  repeated?: boolean;
  opt?: boolean;
  oneof?: { name: string } | string;
  jsonName?: string;
}

interface V1Message extends V1Named {
  fields: { list(): readonly V1Field[] };
  runtime?: { syntax?: string };
}

interface V1Enum extends V1Named {
  values: readonly { no: number; name: string }[];
}

interface V1Service extends V1Named {
  methods: Record<string, { name: string; I: V1Named; O: V1Named; kind: number }>;
}

/** protobuf-es v1's MethodKind numbers, in v2's words. */
const METHOD_KINDS = ["unary", "server_streaming", "client_streaming", "bidi_streaming"];

const isMessage = (value: unknown): value is V1Message =>
  typeof value === "function" && typeof (value as Partial<V1Message>).typeName === "string" && typeof (value as Partial<V1Message>).fields?.list === "function";

/** v1 keeps an enum's type under a Symbol of its runtime: found by shape, so any copy of the runtime will do. */
function enumTypeOf(value: unknown): V1Enum | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  for (const symbol of Object.getOwnPropertySymbols(value)) {
    const type = (value as Record<symbol, unknown>)[symbol] as Partial<V1Enum> | undefined;
    if (typeof type?.typeName === "string" && Array.isArray(type.values)) return type as V1Enum;
  }
  return undefined;
}

const isService = (value: unknown): value is V1Service =>
  typeof value === "object" && value !== null && typeof (value as Partial<V1Service>).typeName === "string" && typeof (value as Partial<V1Service>).methods === "object";

/** A scalar is a number; an enum type is an object and a message type a class, both with a typeName. */
function nameOf(type: number | V1Named | undefined): string {
  return typeof type === "number" || type === undefined ? typeWords.scalar(type ?? -1) : type.typeName;
}

function typeOf(field: V1Field): string {
  if (field.kind === "map") return typeWords.map(field.K ?? -1, nameOf(field.V?.T));
  if (field.repeated) return typeWords.repeated(nameOf(field.T));
  if (field.kind === "enum") return typeWords.enum(nameOf(field.T));
  if (field.kind === "message") return typeWords.message(nameOf(field.T));
  return nameOf(field.T);
}

const oneofName = (field: V1Field) => (field.oneof === undefined ? undefined : typeof field.oneof === "string" ? field.oneof : field.oneof.name);

/**
 * The facts of one v1 `*_pb.js` module's exports (and its `*_connect.js`
 * module's, when it has one). Types are named relative to the package, which
 * is the prefix of the least nested type name: a nested type's parent is
 * exported too, with a shorter name.
 */
export function describeV1Module(pb: Record<string, unknown>, connect: Record<string, unknown> = {}, options: DescribeOptions = {}): Facts {
  const messages = Object.values(pb).filter(isMessage);
  const enums = Object.values(pb).map(enumTypeOf).filter((type): type is V1Enum => type !== undefined);
  const services = Object.values(connect).filter(isService);
  const names = [...messages, ...enums, ...services].map((type) => type.typeName);
  if (names.length === 0) throw new Error("exports no protobuf-es v1 message, enum or service");
  const shortest = names.reduce((a, b) => (b.split(".").length < a.split(".").length ? b : a));
  const pkg = shortest.slice(0, shortest.lastIndexOf("."));
  const local = (typeName: string) => (typeName.startsWith(`${pkg}.`) ? typeName.slice(pkg.length + 1) : typeName);

  const facts: Facts = new Map();
  facts.set("(file)", { package: pkg, syntax: messages[0]?.runtime?.syntax ?? "(unknown)" });
  for (const message of messages) {
    const name = local(message.typeName);
    const fields = message.fields.list();
    const oneofs = [...new Set(fields.map(oneofName).filter((o): o is string => o !== undefined))];
    facts.set(name, { kind: "message", oneofs: oneofs.join(",") || "(none)" });
    for (const field of fields) {
      facts.set(`${name}.${field.name}`, {
        number: String(field.no),
        type: typeOf(field),
        optional: String(field.opt === true),
        oneof: oneofName(field) ?? "(none)",
        json_name: field.jsonName ?? "(unknown)",
      });
    }
  }
  for (const type of enums) {
    const name = local(type.typeName);
    facts.set(name, { kind: "enum" });
    for (const value of type.values) facts.set(`${name}.${value.name}`, { number: String(value.no) });
  }
  for (const service of services) {
    const name = local(service.typeName);
    if (options.ignoreServices?.includes(name)) continue;
    facts.set(name, { kind: "service", type_name: service.typeName });
    for (const method of Object.values(service.methods)) {
      facts.set(`${name}.${method.name}`, { input: method.I.typeName, output: method.O.typeName, kind: METHOD_KINDS[method.kind] ?? `kind#${method.kind}` });
    }
  }
  return facts;
}
