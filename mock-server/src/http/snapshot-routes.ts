import type { Hono } from "hono";
import { readControlJson } from "./control-body.js";
import type { ControlOf } from "./control-routes.js";
import { restoredJson } from "./views.js";

/** Export and restore the whole state of one environment. */
export function registerSnapshotRoutes(app: Hono, controlOf: ControlOf): void {
  app.get("/snapshot", (c) => c.json(controlOf(c).snapshotDocument()));

  app.put("/snapshot", async (c) => {
    const body = await readControlJson(c);
    return c.json(restoredJson(controlOf(c).restore(body)));
  });
}
