import { z } from "zod";
import type { RouteDoc } from "./routes.js";
import { controlRoutes, scalekitRoutes } from "./routes.js";

function jsonSchema(schema: z.ZodType, io: "input" | "output") {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: "any" }) as Record<string, unknown>;
  return rest;
}

/** An OpenAPI 3.1 document for a route table; request schemas as accepted, responses as sent. */
export function openApiDocument(title: string, description: string, version: string, routes: RouteDoc[]) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const params = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => ({ name: m[1], in: "path", required: true, schema: { type: "string" } }));
    const query = route.query
      ? Object.entries(route.query.shape).map(([name, schema]) => ({
          name,
          in: "query",
          required: !(schema as z.ZodType).safeParse(undefined).success,
          schema: jsonSchema(schema as z.ZodType, "input"),
        }))
      : [];
    paths[route.path] ??= {};
    paths[route.path]![route.method] = {
      summary: route.summary,
      ...(params.length + query.length > 0 && { parameters: [...params, ...query] }),
      ...(route.body && { requestBody: { required: true, content: { [route.bodyType ?? "application/json"]: { schema: jsonSchema(route.body, "input") } } } }),
      responses: Object.fromEntries(
        Object.entries(route.responses).flatMap(([status, response]) => (response === undefined ? [] : [[
          status,
          {
            description: response.description,
            ...(response.schema && { content: { [response.contentType ?? "application/json"]: { schema: jsonSchema(response.schema, "output") } } }),
            ...(!response.schema && response.contentType && { content: { [response.contentType]: {} } }),
          },
        ]])),
      ),
    };
  }
  return { openapi: "3.1.0", info: { title, version, description }, paths };
}

export const OPENAPI_DOCUMENTS = {
  "scalekit-passwordless": (version: string) =>
    openApiDocument(
      "Scalekit passwordless email API (as served by scalekit-mock)",
      "Send, resend and verify passwordless emails, and the client credentials grant. Bodies follow protobuf JSON: snake_case (lowerCamelCase accepted), int64 as strings, enums by name.",
      version,
      scalekitRoutes,
    ),
  "mock-control": (version: string) =>
    openApiDocument(
      "scalekit-mock control API",
      "Inbox, clock, settings, faults, journal, events, snapshot and environments. Every route under /_mock/v1 also exists under /_mock/v1/environments/{env}/ for a non-default environment.",
      version,
      controlRoutes,
    ),
} as const;
