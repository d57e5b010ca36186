import { Hono, type Context } from "hono";
import type { EnvironmentControl } from "../services/environment-control.js";
import { readControlJson } from "./control-body.js";
import type { HttpDeps } from "./deps.js";
import { registerEmailRoutes } from "./email-routes.js";
import { registerEventRoutes } from "./event-routes.js";
import { registerFaultRoutes } from "./fault-routes.js";
import { registerJournalRoutes } from "./journal-routes.js";
import { registerSnapshotRoutes } from "./snapshot-routes.js";
import { registerTemplateRoutes } from "./template-routes.js";
import { authRequestJson, clockJson, statsJson } from "./views.js";

/** Picks the environment a control request addresses. */
export type ControlOf = (c: Context) => EnvironmentControl;

/**
 * The mock's control API for one environment: health, stats, reset,
 * settings, auth requests and clock here; inbox, templates, faults, journal,
 * events and snapshot in their own files. Every route parses its wire format, calls the
 * control service and writes the answer.
 */
export function controlRoutes(deps: HttpDeps, controlOf: ControlOf): Hono {
  const app = new Hono();

  app.get("/health", (c) => c.json({ status: "ok", name: "scalekit-mock", version: deps.version }));

  app.get("/stats", (c) => c.json(statsJson(controlOf(c).stats())));

  app.post("/reset", (c) => {
    const control = controlOf(c);
    control.reset();
    return c.json({ status: "reset", environment_id: control.id });
  });

  app.get("/settings", (c) => c.json(controlOf(c).settings()));
  app.put("/settings", async (c) => {
    const body = await readControlJson(c);
    return c.json(controlOf(c).updateSettings(body));
  });

  registerEmailRoutes(app, controlOf);
  registerTemplateRoutes(app, controlOf);

  app.get("/auth-requests", (c) => {
    const control = controlOf(c);
    const now = control.now();
    const requests = control.authRequests(c.req.query());
    return c.json({ count: requests.length, auth_requests: requests.map((r) => authRequestJson(r, now)) });
  });

  app.get("/auth-requests/:id", (c) => {
    const control = controlOf(c);
    return c.json(authRequestJson(control.authRequest(c.req.param("id")), control.now()));
  });

  app.get("/clock", (c) => c.json(clockJson(controlOf(c).clock())));
  app.post("/clock", async (c) => {
    const body = await readControlJson(c);
    return c.json(clockJson(controlOf(c).changeClock(body)));
  });
  app.delete("/clock", (c) => c.json(clockJson(controlOf(c).resetClock())));

  registerFaultRoutes(app, controlOf);
  registerJournalRoutes(app, controlOf);
  registerEventRoutes(app, deps, controlOf);
  registerSnapshotRoutes(app, controlOf);
  return app;
}
