import type { Hono } from "hono";
import { readControlJson } from "./control-body.js";
import type { ControlOf } from "./control-routes.js";
import { faultJson } from "./views.js";

/** Fault rules of one environment: list, add one or an array (all or none), delete one or all. */
export function registerFaultRoutes(app: Hono, controlOf: ControlOf): void {
  app.get("/faults", (c) => c.json({ faults: controlOf(c).faults.list().map(faultJson) }));

  app.post("/faults", async (c) => {
    const body = await readControlJson(c);
    const faults = controlOf(c).faults;
    if (Array.isArray(body)) return c.json({ faults: faults.addAll(body).map(faultJson) }, 201);
    return c.json(faultJson(faults.add(body)), 201);
  });

  app.delete("/faults", (c) => c.json({ deleted: controlOf(c).faults.clear() }));

  app.delete("/faults/:id", (c) => {
    controlOf(c).faults.delete(c.req.param("id"));
    return c.json({ deleted: 1 });
  });
}
