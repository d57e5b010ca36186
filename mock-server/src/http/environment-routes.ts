import { Hono, type Context } from "hono";
import type { EnvironmentDirectory } from "../services/environment-directory.js";
import { readControlJson } from "./control-body.js";
import { environmentJson } from "./views.js";

/** `GET|POST /environments`, `GET|DELETE /environments/{id}`. */
export function environmentRoutes(directory: EnvironmentDirectory): Hono {
  const app = new Hono();
  const origin = (c: Context) => new URL(c.req.url).origin;

  app.get("/environments", (c) => c.json({ environments: directory.list().map((env) => environmentJson(env, origin(c), false)) }));

  app.post("/environments", async (c) => {
    const env = directory.create(await readControlJson(c));
    return c.json(environmentJson(env, origin(c), true), 201);
  });

  app.get("/environments/:id", (c) => c.json(environmentJson(directory.get(c.req.param("id")), origin(c), true)));

  app.delete("/environments/:id", (c) => {
    const id = c.req.param("id");
    directory.delete(id);
    return c.json({ deleted: id });
  });

  return app;
}
