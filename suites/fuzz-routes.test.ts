import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { controlRoutes, scalekitRoutes } from "../mock-server/src/openapi/routes.js";
import { controlErrorBody, gatewayErrorBody } from "../mock-server/src/schemas/scalekit.js";
import { createMockScalekit, type MockScalekit } from "../mock-server/src/index.js";
import { RawClient, TRANSPORTS, Unsendable, type RawAnswer, type Transport } from "./support/raw-http.js";
import { fetchToken, restSession } from "./support/rest.js";

/**
 * Every route, over HTTP/1.1 and HTTP/2, with fuzzed path parameters (any
 * Unicode, percent-encodings, dot segments), query strings, headers (Host,
 * Origin, Sec-Fetch-Site, content types, credentials, cookies) and bodies
 * (random JSON, deep nesting, odd keys, numbers out of range). Never a 5xx,
 * never an error escaping the request, and the mock keeps serving.
 * The route list comes from the OpenAPI route table, so a new route is
 * fuzzed without touching this file.
 */

interface Route {
  method: string;
  /** With `{name}` placeholders. */
  template: string;
}

const CONTROL = "/_mock/v1";
const SERVICE = "/scalekit.v1.auth.passwordless.PasswordlessService";
const PER_ENVIRONMENT = `${CONTROL}/environments/{env}`;

const ROUTES: Route[] = [
  ...scalekitRoutes.map((r) => ({ method: r.method.toUpperCase(), template: r.path })),
  ...controlRoutes.map((r) => ({ method: r.method.toUpperCase(), template: r.path })),
  // Every control route but the environment collection also exists per environment.
  ...controlRoutes
    .filter((r) => !r.path.startsWith(`${CONTROL}/environments`))
    .map((r) => ({ method: r.method.toUpperCase(), template: r.path.replace(CONTROL, PER_ENVIRONMENT) })),
  { method: "GET", template: `${CONTROL}/openapi.json` },
  { method: "GET", template: `${CONTROL}/openapi/{name}` },
  { method: "GET", template: "/_mock/ui" },
  { method: "GET", template: "/_mock/ui/panels/{panel}" },
  { method: "GET", template: "/_mock/ui/assets/{asset}" },
  { method: "POST", template: "/_mock/ui/login" },
  { method: "POST", template: `${SERVICE}/SendPasswordlessEmail` },
  { method: "POST", template: `${SERVICE}/ResendPasswordlessEmail` },
  { method: "POST", template: `${SERVICE}/VerifyPasswordlessEmail` },
  { method: "GET", template: "/{anything}" },
];

const SPECIAL_SEGMENTS = [
  ".", "..", "%2e", "%2E%2E", ".%2e", "%00", "%0A", "%0D", "x%0A", "a%0Ab.eml", "%E2%80%A8", "%zz", "%", "%E2%80", "%C0%AE",
  "x.eml", "x.html", "x.txt", ".eml", "__proto__", "constructor", "*", "%2F", "a%2F..%2Fb", "default", "", "~", "%20",
] as const;

/** A path segment: special cases, any Unicode percent-encoded, or raw text for HTTP/2 (whose :path Node does not check). */
const segment = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...SPECIAL_SEGMENTS) },
  { weight: 3, arbitrary: fc.string({ unit: "binary", maxLength: 40 }).map(encodeURIComponent) },
  { weight: 1, arbitrary: fc.string({ unit: "grapheme", maxLength: 12 }) },
);

const queryValue = fc.oneof(
  fc.constantFrom("0", "0.05", "-1", "1e9", "abc", "999999999999999999999", "%", "*", "ok", "error", "429", "send", "grpc", "1970-01-01T00:00:00Z"),
  fc.string({ maxLength: 20 }),
);
const query = fc
  .dictionary(fc.constantFrom("to", "email", "after", "limit", "wait", "auth_request_id", "operation", "status", "since", "transport", "environment", "env", "x"), queryValue, { maxKeys: 4 })
  // Long-polls must not hold the run.
  .map((q) => (q.wait === undefined ? q : { ...q, wait: /^0(\.\d+)?$/.test(q.wait) ? q.wait : "0" }))
  .map((q) => new URLSearchParams(q).toString());

/** JSON text with keys JavaScript objects treat specially, or that cannot go into a header. */
const oddKeyObject = fc
  .array(fc.tuple(fc.oneof(fc.constantFrom("__proto__", "constructor", "toString", "a\r\nb", "\u0000", "ключ", "😀", "email", "expires_in", "template_variables"), fc.string()), fc.jsonValue({ maxDepth: 2 })), { maxLength: 5 })
  .map((pairs) => `{${pairs.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(",")}}`);
/** Nesting thousands deep: generated as its recipe, so a failure prints short. */
const deeplyNested = fc
  .record({ depth: fc.integer({ min: 1, max: 8_000 }), field: fc.constantFrom("email", "template_variables", "state", "code", "advance", "settings", "id", "x"), open: fc.constantFrom("[", '{"a":') })
  .map((recipe) => Object.assign(Object.create(nestedRecipe), recipe) as NestedRecipe);
interface NestedRecipe {
  depth: number;
  field: string;
  open: string;
}
const nestedRecipe = {
  toString(this: NestedRecipe) {
    return `{"${this.field}":${this.open.repeat(this.depth)}1${(this.open === "[" ? "]" : "}").repeat(this.depth)}}`;
  },
  [fc.toStringMethod](this: NestedRecipe) {
    return `nested(${this.field}, ${this.open} × ${this.depth})`;
  },
};
const outOfRange = fc.constantFrom(
  '{"expires_in":1e400}', '{"expires_in":-1e400}', '{"advance":1e300}', '{"advance":"99999999999d"}', '{"set":8639999999000000}', '{"set":-1e20}',
  '{"limit":1e999}', '{"emailLimit":1e400}', '{"template_variables":{"__proto__":"x","ab":"y"}}', '{"settings":{"__proto__":{"otpLength":1}}}',
);
const body = fc.option(
  fc.oneof(fc.json({ maxDepth: 3 }), fc.string({ maxLength: 60 }), oddKeyObject, deeplyNested, outOfRange, fc.uint8Array({ maxLength: 60 }).map((b) => Buffer.from(b).toString("latin1"))),
  { nil: undefined },
);

let mock: MockScalekit;
let token: string;
const known: Record<string, string[]> = {};
const escaped: unknown[] = [];
const keepEscaped = (error: unknown) => escaped.push(error);

const headers = () =>
  fc.record(
    {
      host: fc.oneof(
        fc.constantFrom("attacker.example", "localhost", "127.0.0.1", "[::1]", "0.0.0.0", "localhost:1", "LOCALHOST.", "a.localhost", "[::ffff:127.0.0.1]", "[zz]", "x:y:z", "", "ÄÖ.example"),
        fc.domain(),
      ),
      origin: fc.oneof(fc.constantFrom("null", "", "garbage", "http://localhost", "file://"), fc.webUrl()),
      "sec-fetch-site": fc.constantFrom("cross-site", "same-site", "same-origin", "none", "weird", ""),
      "content-type": fc.constantFrom(
        "application/json", "application/json; charset=utf-8", "text/plain", "", "application/grpc", "application/grpc+json", "application/connect+json",
        "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/vnd.api+json", "application/proto",
      ),
      authorization: fc.oneof(fc.constant(`Bearer ${token}`), fc.constantFrom("Bearer", "Bearer ", "Basic Og==", "Basic !!!", "Basic " + Buffer.from("a:b:c").toString("base64")), fc.string({ maxLength: 40 })),
      cookie: fc.oneof(fc.constantFrom("scalekit_mock_admin_1=x", "=;=", "a=%zz"), fc.string({ maxLength: 40 })),
      accept: fc.constantFrom("text/event-stream", "application/json", "*/*", "text/html", ""),
      te: fc.constant("trailers"),
      "x-forwarded-host": fc.domain(),
    },
    { requiredKeys: [] },
  );

function fill(template: string, params: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => params[name] ?? "x");
}

function expectSound(answer: RawAnswer, path: string, shown: string) {
  expect(answer.status, `${shown}\n→ ${answer.status} ${answer.body.slice(0, 300)}`).toBeLessThan(500);
  expect(answer.status).toBeGreaterThanOrEqual(100);
  if (answer.status < 400 || !String(answer.headers["content-type"] ?? "").includes("json") || answer.body === "") return;
  const parsed = JSON.parse(answer.body);
  const schema = path.startsWith("/_mock") ? controlErrorBody : path.startsWith("/api/") ? gatewayErrorBody : undefined;
  if (schema) expect(schema.safeParse(parsed).success, `${shown}\n→ ${answer.body.slice(0, 300)}`).toBe(true);
}

beforeAll(async () => {
  process.on("uncaughtException", keepEscaped);
  process.on("unhandledRejection", keepEscaped);
  mock = await createMockScalekit({ seed: "fuzz-routes" });
  token = await fetchToken(mock.url, mock.clientId, mock.clientSecret);
  const sent = await (await restSession(mock)).send({ email: "fuzz@example.com" });
  const other = mock.environment({ id: "fuzz-env" });
  known.env = [other.id, "default"];
  known.id = [sent.body.auth_request_id, mock.inbox.list()[0]!.id, `${mock.inbox.list()[0]!.id}.eml`];
  known.name = ["scalekit-passwordless.json", "mock-control.json"];
  known.panel = ["inbox", "message", "clock", "requests", "faults"];
  known.asset = ["inbox.css", "inbox.js"];
});
afterAll(async () => {
  process.off("uncaughtException", keepEscaped);
  process.off("unhandledRejection", keepEscaped);
  await mock.close();
});

const RUNS_PER_ROUTE = 10;
const tally = { requests: 0, unsendable: 0, combinations: new Set<string>() };

describe.each(TRANSPORTS)("every route over %s", (transport: Transport) => {
  it("answers fuzzed paths, queries, headers and bodies without a 5xx", async () => {
    const client = new RawClient(mock.url);
    try {
      for (const route of ROUTES) {
        const params = fc.record({
          env: fc.oneof({ weight: 2, arbitrary: fc.constantFrom(...known.env!) }, { weight: 1, arbitrary: segment }),
          id: fc.oneof(fc.constantFrom(...known.id!), segment),
          name: fc.oneof(fc.constantFrom(...known.name!), segment),
          panel: fc.oneof(fc.constantFrom(...known.panel!), segment),
          asset: fc.oneof(fc.constantFrom(...known.asset!), segment),
          anything: segment,
        });
        const method = fc.oneof({ weight: 4, arbitrary: fc.constant(route.method) }, { weight: 1, arbitrary: fc.constantFrom("GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD") });
        await fc.assert(
          fc.asyncProperty(method, params, fc.option(query, { nil: undefined }), headers(), body, async (verb, values, search, sent, payload) => {
            const path = `${fill(route.template, values)}${search ? `?${search}` : ""}`;
            const { host, ...rest } = sent;
            const text = payload === undefined ? undefined : String(payload);
            const shown = `${transport} ${verb} ${path} ${JSON.stringify(sent)} ${text === undefined ? "" : text.slice(0, 120)}`;
            let answer: RawAnswer;
            try {
              answer = await client.send(transport, {
                method: verb,
                path,
                headers: rest,
                ...(host !== undefined && { host: host.includes(":") || host === "" || host.startsWith("[") ? host : `${host}:${new URL(mock.url).port}` }),
                ...(text !== undefined && verb !== "GET" && verb !== "HEAD" && { body: text }),
              });
            } catch (error) {
              if (error instanceof Unsendable) {
                tally.unsendable += 1;
                return;
              }
              throw new Error(`${shown}\n→ ${String(error)}`);
            }
            tally.requests += 1;
            tally.combinations.add(`${transport} ${route.method} ${route.template}`);
            expectSound(answer, path, shown);
            // Whatever the run did to the default environment, the next run starts from a known state.
            mock.faults.clear();
            mock.clock.reset();
          }),
          { numRuns: RUNS_PER_ROUTE },
        );
      }
      const health = await client.send(transport, { method: "GET", path: `${CONTROL}/health` });
      expect(health.status).toBe(200);
    } finally {
      client.close();
    }
    expect(escaped).toEqual([]);
    for (const route of ROUTES) expect(tally.combinations.has(`${transport} ${route.method} ${route.template}`), `${route.method} ${route.template}`).toBe(true);
  }, 120_000);
});

describe("after the fuzzing", () => {
  it("the mock is alive over both transports and nothing escaped to the process", async () => {
    const client = new RawClient(mock.url);
    for (const transport of TRANSPORTS) expect((await client.send(transport, { method: "GET", path: `${CONTROL}/health` })).status).toBe(200);
    client.close();
    expect(escaped).toEqual([]);
    console.log(
      `fuzz-routes: ${ROUTES.length} routes × ${TRANSPORTS.length} transports (${tally.combinations.size} route-transport pairs), ${tally.requests} requests answered, ${tally.unsendable} refused as malformed before reaching the app (client checks, HTTP/2 PROTOCOL_ERROR)`,
    );
  });
});
