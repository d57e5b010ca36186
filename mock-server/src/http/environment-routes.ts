import { Hono, type Context } from "hono";
import { z, ZodError } from "zod";
import { quote } from "../domain/preview.js";
import { chosenId } from "../domain/ids.js";
import { ownRecord } from "../domain/own-record.js";
import { EnvironmentError, type EnvironmentStore } from "../state/environments.js";
import type { Environment } from "../state/environment.js";
import { readControlJson } from "./control-body.js";
import { ControlError, invalidInput, parseInput } from "./errors.js";

const newEnvironment = z
  .object({
    id: chosenId.optional(),
    client_id: z.string().min(1).max(200).optional(),
    client_secret: z.string().min(8).max(500).optional(),
    seed: z.string().min(1).max(200).optional(),
    // Checked against the settings schema when the environment is made; here only kept whole.
    settings: ownRecord(z.string(), z.unknown()).optional(),
  })
  .strict();

export function environmentJson(env: Environment, origin: string, withSecret: boolean) {
  return {
    id: env.id,
    environment_url: origin,
    client_id: env.clientId,
    ...(withSecret && { client_secret: env.clientSecret }),
    control_url: `${origin}/_mock/v1/environments/${env.id}`,
    created_at: new Date(env.createdAt).toISOString(),
    settings: env.settings,
  };
}

const STATUS = { conflict: 409, invalid: 400, limit: 429, protected: 400 } as const;
const CODE = { conflict: "CONFLICT", invalid: "INVALID_ARGUMENT", limit: "LIMIT", protected: "PROTECTED" } as const;

/** `GET|POST /environments`, `GET|DELETE /environments/{id}`. */
export function environmentRoutes(environments: EnvironmentStore): Hono {
  const app = new Hono();
  const origin = (c: Context) => new URL(c.req.url).origin;
  const find = (c: Context) => {
    const env = environments.get(c.req.param("id")!);
    if (env === undefined) throw new ControlError(404, "NOT_FOUND", `no environment ${quote(c.req.param("id")!)}`);
    return env;
  };
  const refuse = (error: unknown): never => {
    if (error instanceof EnvironmentError) throw new ControlError(STATUS[error.reason], CODE[error.reason], error.message);
    if (error instanceof ZodError) throw invalidInput("settings", error);
    throw error;
  };

  app.get("/environments", (c) =>
    c.json({ environments: environments.list().map((env) => environmentJson(env, origin(c), false)) }),
  );

  app.post("/environments", async (c) => {
    const body = parseInput(newEnvironment, await readControlJson(c), "environment");
    try {
      const env = environments.create({
        ...(body.id !== undefined && { id: body.id }),
        ...(body.client_id !== undefined && { clientId: body.client_id }),
        ...(body.client_secret !== undefined && { clientSecret: body.client_secret }),
        ...(body.seed !== undefined && { seed: body.seed }),
        ...(body.settings !== undefined && { settings: body.settings }),
      });
      return c.json(environmentJson(env, origin(c), true), 201);
    } catch (error) {
      return refuse(error);
    }
  });

  app.get("/environments/:id", (c) => c.json(environmentJson(find(c), origin(c), true)));

  app.delete("/environments/:id", (c) => {
    const env = find(c);
    try {
      environments.delete(env.id);
    } catch (error) {
      refuse(error);
    }
    return c.json({ deleted: env.id });
  });

  return app;
}
