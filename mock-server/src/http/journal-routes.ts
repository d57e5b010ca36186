import type { Hono } from "hono";
import type { ControlOf } from "./control-routes.js";
import { journalJson } from "./views.js";

/** The journal of Scalekit calls of one environment: filtered list, clear. */
export function registerJournalRoutes(app: Hono, controlOf: ControlOf): void {
  app.get("/requests", (c) => {
    const entries = controlOf(c).requestsByQuery(c.req.query());
    return c.json({ count: entries.length, requests: entries.map(journalJson) });
  });

  app.delete("/requests", (c) => c.json({ deleted: controlOf(c).clearRequests() }));
}
